package io.clp.platform.messaging;

import com.fasterxml.jackson.core.JacksonException;
import io.vertx.pgclient.PgException;
import jakarta.validation.ValidationException;
import jakarta.ws.rs.WebApplicationException;

import java.io.IOException;
import java.nio.channels.UnresolvedAddressException;
import java.sql.SQLException;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;

/**
 * Tells a failure that may pass (the database restarting, a deadlock, a dependency down) from one
 * that never will (an unreadable or invalid message). Consumers retry the first within bounds and
 * dead-letter only the second; see docs/adr for the event-handling rules.
 *
 * <p>What is not recognised is treated as transient: it is retried, and if it never passes it still
 * ends in the dead-letter topic after the retries, never lost.
 */
public final class Failures {

    private Failures() {
    }

    /** A failure that no retry can mend: the message itself is wrong. */
    public static final class Permanent extends RuntimeException {
        public Permanent(String message, Throwable cause) {
            super(message, cause);
        }

        public Permanent(String message) {
            super(message);
        }
    }

    public static boolean isTransient(Throwable failure) {
        return !isPermanent(failure);
    }

    public static boolean isPermanent(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            Boolean verdict = verdict(e);
            if (verdict != null) {
                return verdict;
            }
        }
        return false;
    }

    /** {@code true} permanent, {@code false} transient, {@code null} look at the cause. */
    private static Boolean verdict(Throwable e) {
        if (e instanceof UnresolvedAddressException) {
            // an IllegalArgumentException by type, but a name that does not resolve now may resolve later
            return false;
        }
        if (e instanceof Permanent || e instanceof JacksonException || e instanceof DateTimeParseException
                || e instanceof IllegalArgumentException || e instanceof ValidationException) {
            return true;
        }
        if (e instanceof NullPointerException || e instanceof ClassCastException) {
            // a message without a field the consumer needs, or of a shape it does not expect: waiting does
            // not mend it; it is dead-lettered at once and replayed once the message or the consumer is fixed
            return true;
        }
        if (e instanceof PgException pg && pg.getSqlState() != null) {
            return sqlStateVerdict(pg.getSqlState());
        }
        if (e instanceof SQLException sql && sql.getSQLState() != null) {
            // Hibernate Reactive hands a database error over as a JDBCException over an SQLException that carries
            // the SQLSTATE but not the PgException it came from (as does JDBC, in the ETL's COPY)
            return sqlStateVerdict(sql.getSQLState());
        }
        if (e instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            return status >= 400 && status < 500 && status != 401 && status != 408 && status != 409 && status != 429;
        }
        if (e instanceof IOException || e instanceof TimeoutException) {
            return false;
        }
        // an IllegalStateException is often a wrapper (of a parse error, say): its cause decides, and
        // without one it stays transient like everything unrecognised
        return null;
    }

    /**
     * Connection trouble (08), serialization failures and deadlocks (40), too many connections or
     * out of resources (53), shutdowns and restarts (57), system errors (58) and lock timeouts (55P03)
     * pass; bad data (22), constraint violations (23), statement errors (42) and exceptions raised by
     * PL/pgSQL checks (P0) do not; any other state says nothing (null), and the failure's cause decides.
     */
    static Boolean sqlStateVerdict(String state) {
        if (state.startsWith("08") || state.startsWith("40") || state.startsWith("53") || state.startsWith("57")
                || state.equals("55P03") || state.startsWith("58")) {
            return false;
        }
        if (state.startsWith("22") || state.startsWith("23") || state.startsWith("42") || state.startsWith("P0")) {
            return true;
        }
        return null;
    }
}
