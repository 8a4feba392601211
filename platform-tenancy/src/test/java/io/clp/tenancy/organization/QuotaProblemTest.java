package io.clp.tenancy.organization;

import io.clp.platform.problem.ProblemException;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class QuotaProblemTest {

    @Test
    void aQuotaTriggersRefusalIsAConflictNamingTheQuota() {
        PgException refused = new PgException("the organization's rules quota (25) is used up", "ERROR", "CLPQ1", null);
        ProblemException problem = new QuotaExceeded().translate(new CompletionException(new IllegalStateException(refused)))
                .orElseThrow();
        assertThat(problem.status()).isEqualTo(409);
        assertThat(problem.type()).isEqualTo("quota-exceeded");
        assertThat(problem.detail()).contains("rules quota (25)");
    }

    @Test
    void aRefusalReportedThroughAJdbcExceptionIsTheSameConflict() {
        // what Hibernate Reactive raises when the refused insert is flushed by the ORM
        var flushed = new RuntimeException("error executing SQL statement",
                new java.sql.SQLException("ERROR: the organization's dsp_accounts quota (2) is used up (CLPQ1)", "CLPQ1"));
        ProblemException problem = new QuotaExceeded().translate(new CompletionException(flushed)).orElseThrow();
        assertThat(problem.status()).isEqualTo(409);
        assertThat(problem.type()).isEqualTo("quota-exceeded");
        assertThat(problem.detail()).isEqualTo("the organization's dsp_accounts quota (2) is used up");
    }

    @Test
    void otherDatabaseFailuresAreNotQuotaProblems() {
        assertThat(new QuotaExceeded().translate(new RuntimeException(new java.sql.SQLException("duplicate", "23505")))).isEmpty();
        assertThat(new QuotaExceeded().translate(new PgException("duplicate key", "ERROR", "23505", null))).isEmpty();
        assertThat(new QuotaExceeded().translate(new IllegalStateException("boom"))).isEmpty();
    }
}
