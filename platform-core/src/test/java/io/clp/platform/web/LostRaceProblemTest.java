package io.clp.platform.web;

import io.clp.platform.problem.ProblemException;
import io.vertx.pgclient.PgException;
import org.hibernate.StaleObjectStateException;
import org.hibernate.exception.ConstraintViolationException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** A write that lost a race to another request is a 409 the client can act on, never a 500. */
class LostRaceProblemTest {

    @Test
    void aUniqueViolationFromThePostgresClientIsAConflict() {
        PgException duplicate = new PgException("duplicate key value violates unique constraint", "ERROR", "23505", null);
        ProblemException problem = ProblemMappers.conflict(new CompletionException(duplicate)).orElseThrow();
        assertThat(problem.status()).isEqualTo(409);
        assertThat(problem.type()).isEqualTo("conflict");
    }

    @Test
    void aUniqueViolationAsHibernateTranslatesItIsAConflict() {
        SQLException cause = new SQLException("duplicate key value violates unique constraint \"uq_x\"", "23505");
        ConstraintViolationException translated = new ConstraintViolationException("insert failed", cause, "uq_x");
        assertThat(ProblemMappers.conflict(new CompletionException(translated)).orElseThrow().type()).isEqualTo("conflict");
    }

    @Test
    void aStaleVersionIsAConcurrentModification() {
        StaleObjectStateException stale = new StaleObjectStateException("io.clp.Organization", UUID.randomUUID());
        ProblemException problem = ProblemMappers.conflict(new CompletionException(stale)).orElseThrow();
        assertThat(problem.status()).isEqualTo(409);
        assertThat(problem.type()).isEqualTo("concurrent-modification");
    }

    @Test
    void otherFailuresAreNotConflicts() {
        assertThat(ProblemMappers.conflict(new PgException("syntax error", "ERROR", "42601", null))).isEmpty();
        assertThat(ProblemMappers.conflict(new IllegalStateException("boom"))).isEmpty();
    }
}
