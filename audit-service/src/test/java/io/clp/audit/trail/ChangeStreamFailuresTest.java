package io.clp.audit.trail;

import io.clp.platform.messaging.Failures;
import io.vertx.pgclient.PgException;
import org.hibernate.JDBCException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Which failures to record a change dead-letter it (the change itself is at fault) and which are waited out (the trail
 * must not get holes for a fault of its own), as they arrive from Hibernate Reactive and the PostgreSQL client.
 */
class ChangeStreamFailuresTest {

    /** A database error as Hibernate Reactive hands it over: its SQLSTATE on an SQLException. */
    private static Exception converted(String state) {
        return new CompletionException(new JDBCException("error executing SQL statement", new SQLException("failed", state, 0)));
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                arguments("a value the column cannot hold (22001)", converted("22001"), true),
                arguments("a constraint the change breaks (23514)", converted("23514"), true),
                arguments("a change marked as unreadable", new Failures.Permanent("unreadable change event"), true),
                arguments("a check a trigger makes on the change (P0001)", converted("P0001"), true),
                arguments("a fault of the trail's own code", new CompletionException(new NullPointerException("actor")), false),
                arguments("a privilege missing (42501)", converted("42501"), false),
                arguments("a relation missing after a release (42P01)", new CompletionException(new PgException("no", "ERROR", "42P01", null)), false),
                arguments("a deadlock (40P01)", converted("40P01"), false),
                arguments("the database restarting (57P01)", converted("57P01"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void onlyAChangesOwnFaultDeadLettersIt(String name, Throwable failure, boolean deadLettered) {
        assertThat(ChangeStreamConsumer.refusedForGood(failure)).isEqualTo(deadLettered);
    }
}
