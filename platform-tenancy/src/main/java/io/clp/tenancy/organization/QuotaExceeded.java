package io.clp.tenancy.organization;

import io.clp.platform.problem.DatabaseErrors;
import io.clp.platform.problem.FailureTranslator;
import io.clp.platform.problem.ProblemException;
import io.clp.platform.problem.Problems;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.SQLException;
import java.util.Optional;

/** A quota trigger (db/platform/V0_5, V0_9) refused an insert: 409 {@code quota-exceeded} naming the quota. */
@ApplicationScoped
public class QuotaExceeded implements FailureTranslator {

    /** The SQLSTATE the quota triggers raise. */
    static final String SQLSTATE = "CLPQ1";

    @Override
    public Optional<ProblemException> translate(Throwable failure) {
        for (Throwable t : DatabaseErrors.chain(failure)) {
            if (t instanceof PgException pg && SQLSTATE.equals(pg.getSqlState())) {
                return Optional.of(Problems.conflict("quota-exceeded", pg.getErrorMessage()));
            }
            // Hibernate Reactive hands a flush's failure over as a JDBC exception wrapping a SQLException that keeps
            // the SQLSTATE and the server's message ("ERROR: ... (CLPQ1)"), not the PgException
            if (t instanceof SQLException sql && SQLSTATE.equals(sql.getSQLState())) {
                return Optional.of(Problems.conflict("quota-exceeded", serverMessage(sql.getMessage())));
            }
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
