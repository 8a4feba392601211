package io.clp.pipeline.run;

import io.vertx.pgclient.PgException;
import org.hibernate.JDBCException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** A stage's database failure is retried or failed at once by its SQLSTATE, read as the event consumers read it. */
class ExecutionFailuresTest {

    @Test
    void aDatabaseFailureIsReadByItsState() {
        // states that pass, under a type that alone would not
        assertThat(ExecutionFailures.isTransient(new SQLNonTransientException("deadlock detected", "40P01"))).isTrue();
        assertThat(ExecutionFailures.isTransient(new SQLNonTransientException("terminating connection", "57P01"))).isTrue();
        assertThat(ExecutionFailures.isTransient(new SQLNonTransientException("canceling statement due to lock timeout", "55P03"))).isTrue();
        assertThat(ExecutionFailures.isTransient(new SQLException("invalid input syntax for type numeric", "22P02"))).isFalse();
        assertThat(ExecutionFailures.isTransient(new SQLException("permission denied for table gold", "42501"))).isFalse();
        // a check of the data raised by a PL/pgSQL function never passes on its own
        assertThat(ExecutionFailures.isTransient(new SQLException("a day's rows were refused", "P0001"))).isFalse();
    }

    @Test
    void aStateThatSaysNothingLeavesItToTheType() {
        assertThat(ExecutionFailures.isTransient(new SQLNonTransientException("object not in prerequisite state", "55000"))).isFalse();
        assertThat(ExecutionFailures.isTransient(new SQLNonTransientException("x", "55000", new IOException("reset")))).isFalse();
        assertThat(ExecutionFailures.isTransient(new SQLTransientConnectionException("pool", "55000"))).isTrue();
        assertThat(ExecutionFailures.isTransient(new SQLException("object not in prerequisite state", "55000", new IOException("reset")))).isTrue();
    }

    @Test
    void theStateIsFoundUnderTheWrappers() {
        JDBCException converted = new JDBCException("could not execute statement", new SQLException("duplicate key", "23505"));
        assertThat(ExecutionFailures.isTransient(new CompletionException(converted))).isFalse();
        assertThat(ExecutionFailures.isTransient(new CompletionException(new PgException("deadlock", "ERROR", "40P01", null)))).isTrue();
        assertThat(ExecutionFailures.isTransient(new CompletionException(new PgException("duplicate key", "ERROR", "23505", null)))).isFalse();
        assertThat(ExecutionFailures.isTransient(new StageFailure("gold", true, new PgException("duplicate key", "ERROR", "23505", null)))).isTrue();
        // the database's state decides over a wrapper that alone would be taken for a bad payload
        assertThat(ExecutionFailures.isTransient(new IllegalArgumentException("x", new PgException("deadlock", "ERROR", "40P01", null)))).isTrue();
        assertThat(ExecutionFailures.isTransient(new StageFailure("gold", false, new SQLException("deadlock", "40P01")))).isFalse();
    }
}
