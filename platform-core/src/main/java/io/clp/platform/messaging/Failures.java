package io.clp.platform.messaging;

import com.fasterxml.jackson.core.JacksonException;
import io.clp.platform.problem.DatabaseErrors;
import jakarta.validation.ValidationException;
import jakarta.ws.rs.WebApplicationException;

import java.io.IOException;
import java.nio.channels.UnresolvedAddressException;
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
        for (Throwable e : DatabaseErrors.chain(failure)) {
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
        String state = DatabaseErrors.sqlState(e);
        if (state != null) {
            // from the PostgreSQL client, JDBC (the ETL's COPY), or as Hibernate Reactive converts it
            return switch (DatabaseErrors.outlook(state)) {
                case MAY_PASS -> false;
                case NEVER_PASSES -> true;
                case UNKNOWN -> null;
            };
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
}
