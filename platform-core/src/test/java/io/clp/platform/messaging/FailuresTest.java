package io.clp.platform.messaging;

import com.fasterxml.jackson.core.JsonParseException;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.persistence.PersistenceException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import org.hibernate.JDBCException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.sql.SQLException;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The failures CLP's consumers meet, as they arrive (wrapped the way Hibernate Reactive, Vert.x and Mutiny wrap them). */
class FailuresTest {

    private static PgException pg(String state) {
        return new PgException("failed", "ERROR", state, null);
    }

    /** A database error as Hibernate Reactive hands it over: its SQLSTATE on an SQLException, the PgException gone. */
    private static Exception converted(String state) {
        return new CompletionException(new JDBCException("error executing SQL statement", new SQLException("failed", state, 0)));
    }

    private static Exception unparsable() {
        try {
            UUID.fromString("not-a-uuid");
            return null;
        } catch (IllegalArgumentException e) {
            return e;
        }
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                // transient: the database restarting, refusing, closing, deadlocking
                // permanent: a payload without a field the consumer needs fails the same way every time
                arguments("a required field missing (NullPointerException)", new CompletionException(new NullPointerException("permissions")), true),
                arguments("a field of another shape (ClassCastException)", new ClassCastException("String cannot be cast to List"), true),
                arguments("connection refused", new ConnectException("Connection refused"), false),
                arguments("connection refused, as Hibernate Reactive wraps it",
                        new CompletionException(new PersistenceException(new ConnectException("Connection refused: /127.0.0.1:5432"))), false),
                arguments("connect timeout (Netty)", new ConnectTimeoutException("connection timed out"), false),
                arguments("the pool's connection was closed under the query (Vert.x SQL client)",
                        new CompletionException(ClosedConnectionException.INSTANCE), false),
                arguments("connection closed (Vert.x core)", new VertxException("Connection was closed", true), false),
                arguments("server shutting down (57P01)", pg("57P01"), false),
                arguments("deadlock (40P01), as Hibernate Reactive converts it", converted("40P01"), false),
                arguments("server shutting down (57P01), as Hibernate Reactive converts it", converted("57P01"), false),
                arguments("unique violation (23505), as Hibernate Reactive converts it", converted("23505"), true),
                arguments("invalid text for a type (22P02), as Hibernate Reactive converts it", converted("22P02"), true),
                arguments("an internal error (XX000), as Hibernate Reactive converts it", converted("XX000"), false),
                arguments("a driver's error of no known state over a value of the wrong type: the cause decides",
                        new SQLException("bad value", "99999", 0, new ClassCastException("String cannot be cast to Long")), true),
                arguments("server starting up (57P03)", pg("57P03"), false),
                arguments("connection failure (08006)", pg("08006"), false),
                arguments("deadlock (40P01)", new PersistenceException(pg("40P01")), false),
                arguments("serialization failure (40001)", pg("40001"), false),
                arguments("too many connections (53300)", pg("53300"), false),
                arguments("lock timeout (55P03)", pg("55P03"), false),
                arguments("host name not resolvable now", new UnresolvedAddressException(), false),
                arguments("unknown host", new UnknownHostException("keycloak"), false),
                arguments("REST client could not connect", new ProcessingException(new ConnectException("Connection refused")), false),
                arguments("Keycloak 503", new WebApplicationException(503), false),
                arguments("Keycloak 500", new WebApplicationException(500), false),
                arguments("Keycloak 429", new WebApplicationException(429), false),
                arguments("Keycloak 401 (token expired under us)", new WebApplicationException(401), false),
                arguments("Mutiny timeout", new io.smallrye.mutiny.TimeoutException(), false),
                arguments("a bare IllegalStateException", new IllegalStateException("organization has no group yet"), false),
                arguments("something unrecognised", new RuntimeException("?"), false),
                // permanent: the message itself is wrong
                arguments("explicitly permanent", new Failures.Permanent("no such type"), true),
                arguments("unparsable JSON", new JsonParseException(null, "Unexpected character"), true),
                arguments("invalid UUID", unparsable(), true),
                arguments("invalid date", new DateTimeParseException("bad", "2026-13-01", 5), true),
                arguments("a bean-validation violation", new ConstraintViolationException("invalid", Set.of()), true),
                arguments("a parse error wrapped in IllegalStateException",
                        new IllegalStateException("a JSON array of strings was expected", new JsonParseException(null, "x")), true),
                arguments("a unique violation (23505)", new CompletionException(pg("23505")), true),
                arguments("bad data (22P02)", pg("22P02"), true),
                arguments("undefined column (42703)", pg("42703"), true),
                arguments("Keycloak 400", new WebApplicationException(400), true),
                arguments("Keycloak 404", new WebApplicationException(404), true),
                arguments("permanent wrapping a transient cause", new Failures.Permanent("unreadable", new ConnectException()), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void eachFailureIsClassifiedAsTheConsumerMustTreatIt(String what, Throwable failure, boolean permanent) {
        assertThat(Failures.isPermanent(failure)).as(what).isEqualTo(permanent);
        assertThat(Failures.isTransient(failure)).as(what).isEqualTo(!permanent);
    }
}
