package io.clp.tenancy.organization;

import io.clp.platform.problem.FailureTranslator;
import io.clp.platform.problem.ProblemException;
import io.clp.platform.problem.Problems;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/** A quota trigger (db/platform/V0_5, V0_9) refused an insert: 409 {@code quota-exceeded} naming the quota. */
@ApplicationScoped
public class QuotaExceeded implements FailureTranslator {

    /** The SQLSTATE the quota triggers raise. */
    static final String SQLSTATE = "CLPQ1";

    @Override
    public Optional<ProblemException> translate(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && SQLSTATE.equals(pg.getSqlState())) {
                return Optional.of(Problems.conflict("quota-exceeded", pg.getErrorMessage()));
            }
        }
        return Optional.empty();
    }
}
