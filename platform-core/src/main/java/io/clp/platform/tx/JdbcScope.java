package io.clp.platform.tx;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The row-level-security scope of a JDBC transaction, as {@link Transactions} sets it on reactive sessions
 * (db/platform/V0_2): transaction-local settings, so nothing leaks to the next user of the pooled connection. Call
 * it first in every JDBC transaction (auto-commit off) that reads or writes an organization's rows.
 */
public final class JdbcScope {

    static final String ORGANIZATION = "SELECT set_config('clp.user_id', '', true), set_config('clp.scope', 'user', true), "
            + "set_config('clp.org_ids', ?, true)";

    static final String SYSTEM = "SELECT set_config('clp.user_id', '', true), set_config('clp.scope', 'system', true)";

    private JdbcScope() {
    }

    /** The transaction sees and writes one organization's rows only (the service working for that organization). */
    public static void organization(Connection connection, UUID organizationId) throws SQLException {
        requireTransaction(connection);
        try (PreparedStatement st = connection.prepareStatement(ORGANIZATION)) {
            st.setString(1, organizationId.toString());
            st.execute();
        }
    }

    /** The service acting for itself across organizations (janitors, schedulers). */
    public static void system(Connection connection) throws SQLException {
        requireTransaction(connection);
        try (PreparedStatement st = connection.prepareStatement(SYSTEM)) {
            st.execute();
        }
    }

    private static void requireTransaction(Connection connection) throws SQLException {
        if (connection.getAutoCommit()) {
            // transaction-local settings would end with the statement that sets them
            throw new IllegalStateException("a scope needs a transaction: turn auto-commit off first");
        }
    }
}
