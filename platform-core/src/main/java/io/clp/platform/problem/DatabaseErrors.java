package io.clp.platform.problem;

import io.vertx.pgclient.PgException;
import org.hibernate.JDBCException;
import org.hibernate.exception.ConstraintViolationException;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the database said, read from a failure however it arrives: a {@link PgException} from the reactive PostgreSQL
 * client, a JDBC {@link SQLException}, or as Hibernate Reactive hands it over: a {@link JDBCException} (a
 * {@link ConstraintViolationException} for a constraint) over an {@code SQLException} that keeps the SQLSTATE and the
 * server's message but not the {@code PgException} it came from. The checks of a database refusal (a unique
 * constraint lost to a racing request, a lock timeout, a value the database cannot store) read it here, so that
 * each need not learn that conversion again.
 */
public final class DatabaseErrors {

    /** The longest cause chain read; a longer one (or a cycle) is cut there. */
    static final int MAX_DEPTH = 32;

    private DatabaseErrors() {
    }

    /** The failure and its causes, outermost first, each once, at most {@link #MAX_DEPTH}. */
    public static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>(4);
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && chain.size() < MAX_DEPTH && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** The SQLSTATE that this throwable itself carries (not its causes), or null. */
    public static String sqlState(Throwable t) {
        if (t instanceof PgException pg) {
            return pg.getSqlState();
        }
        if (t instanceof JDBCException jdbc) {
            return jdbc.getSQLState();
        }
        return t instanceof SQLException sql ? sql.getSQLState() : null;
    }

    /** Whether any of the failure's causes carries an SQLSTATE the test accepts. */
    public static boolean anySqlState(Throwable failure, Predicate<String> test) {
        for (Throwable t : chain(failure)) {
            String state = sqlState(t);
            if (state != null && test.test(state)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the database reported exactly this SQLSTATE anywhere along the failure's causes. */
    public static boolean hasSqlState(Throwable failure, String state) {
        return anySqlState(failure, state::equals);
    }

    /**
     * Whether the named constraint refused the write (SQLSTATE class 23): named by the PostgreSQL client, by
     * Hibernate's dialect (which reads it from the server's message), or in the server's message itself, where
     * PostgreSQL quotes it.
     */
    public static boolean violated(Throwable failure, String constraint) {
        String quoted = '"' + constraint + '"';
        for (Throwable t : chain(failure)) {
            String state = sqlState(t);
            if (state == null || !state.startsWith("23")) {
                continue;
            }
            if (t instanceof PgException pg && constraint.equals(pg.getConstraint())) {
                return true;
            }
            if (t instanceof ConstraintViolationException cv && constraint.equals(cv.getConstraintName())) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().contains(quoted)) {
                return true;
            }
        }
        return false;
    }

    /** What a failure with this SQLSTATE says about trying again. */
    public enum Outlook {
        /** It may pass: connection trouble, a deadlock, a restart, a lock timeout. */
        MAY_PASS,
        /** It never will: the statement or its values are refused. */
        NEVER_PASSES,
        /** The state alone does not say. */
        UNKNOWN
    }

    /**
     * Connection trouble (08), serialization failures and deadlocks (40), too many connections or out of resources
     * (53), shutdowns and restarts (57), system errors (58) and lock timeouts (55P03) may pass; bad data (22),
     * constraint violations (23), statement errors (42) and exceptions raised by PL/pgSQL checks (P0) never will; any
     * other state says nothing.
     */
    public static Outlook outlook(String state) {
        if (state == null || state.isEmpty()) {
            return Outlook.UNKNOWN;
        }
        if (state.startsWith("08") || state.startsWith("40") || state.startsWith("53") || state.startsWith("57")
                || state.equals("55P03") || state.startsWith("58")) {
            return Outlook.MAY_PASS;
        }
        if (state.startsWith("22") || state.startsWith("23") || state.startsWith("42") || state.startsWith("P0")) {
            return Outlook.NEVER_PASSES;
        }
        return Outlook.UNKNOWN;
    }
}
