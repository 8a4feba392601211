package io.clp.tenancy.organization;

import io.clp.platform.problem.DatabaseErrors;
import io.clp.platform.problem.FailureTranslator;
import io.clp.platform.problem.ProblemException;
import io.clp.platform.problem.Problems;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.JDBCException;

import java.util.Optional;

/** A quota trigger (db/platform/V0_5, V0_9) refused an insert: 409 {@code quota-exceeded} naming the quota. */
@ApplicationScoped
public class QuotaExceeded implements FailureTranslator {

    /** The SQLSTATE the quota triggers raise. */
    static final String SQLSTATE = "CLPQ1";

    @Override
    public Optional<ProblemException> translate(Throwable failure) {
        for (Throwable t : DatabaseErrors.chain(failure)) {
            if (!SQLSTATE.equals(DatabaseErrors.sqlState(t))) {
                continue;
            }
            // the PostgreSQL client's message; as Hibernate Reactive hands a flush's failure over, the server's message
            // ("ERROR: ... (CLPQ1)") is kept by the SQLException under the JDBC exception
            return Optional.of(Problems.conflict("quota-exceeded", t instanceof PgException pg ? pg.getErrorMessage()
                    : serverMessage(t instanceof JDBCException jdbc ? jdbc.getSQLException().getMessage() : t.getMessage())));
        }
        return Optional.empty();
    }

    private static String serverMessage(String message) {
        String m = message == null ? "" : message.strip();
        if (m.startsWith("ERROR: ")) {
            m = m.substring("ERROR: ".length());
        }
        String suffix = " (" + SQLSTATE + ")";
        return m.endsWith(suffix) ? m.substring(0, m.length() - suffix.length()) : m;
    }
}
