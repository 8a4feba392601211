package io.clp.launcher;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Map;

/**
 * Creates what the services cannot create for themselves with least privilege: the database, one
 * login role and schema per service (the role owns its schema and can touch nothing else), and the
 * change-data-capture role and publication that Debezium streams from. Idempotent: safe on every start.
 */
public final class DatabaseBootstrap {

    public static final String CDC_ROLE = "clp_cdc";
    public static final String PUBLICATION = "clp_cdc";

    private DatabaseBootstrap() {
    }

    /**
     * @param servicePasswords service name to its role's password
     * @param capturedSchemas  schemas whose tables are published for CDC (may be empty)
     * @param cdcPassword      the replication role's password, or null for no CDC role
     */
    public static void bootstrap(PostgresServer server, String database, Map<String, String> servicePasswords,
                                 Collection<String> capturedSchemas, String cdcPassword) {
        bootstrap(server::connect, database, servicePasswords, capturedSchemas, cdcPassword);
    }

    /** Superuser connections to a database of the server being prepared. */
    @FunctionalInterface
    public interface AdminConnections {
        Connection connect(String database) throws SQLException;
    }

    public static void bootstrap(AdminConnections server, String database, Map<String, String> servicePasswords,
                                 Collection<String> capturedSchemas, String cdcPassword) {
        try {
            try (Connection admin = server.connect("postgres")) {
                if (!exists(admin, "SELECT 1 FROM pg_database WHERE datname = ?", database)) {
                    try (Statement st = admin.createStatement()) {
                        st.execute("CREATE DATABASE " + ident(database));
                    }
                }
            }
            try (Connection db = server.connect(database); Statement st = db.createStatement()) {
                st.execute("REVOKE ALL ON DATABASE " + ident(database) + " FROM PUBLIC");
                st.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
                for (Map.Entry<String, String> e : servicePasswords.entrySet()) {
                    String role = ServiceCatalog.role(e.getKey());
                    String schema = ServiceCatalog.schema(e.getKey());
                    ensureLoginRole(db, role, e.getValue(), false);
                    st.execute("GRANT CONNECT ON DATABASE " + ident(database) + " TO " + ident(role));
                    st.execute("CREATE SCHEMA IF NOT EXISTS " + ident(schema) + " AUTHORIZATION " + ident(role));
                    st.execute("ALTER ROLE " + ident(role) + " IN DATABASE " + ident(database)
                            + " SET search_path = " + ident(schema));
                }
                if (cdcPassword != null) {
                    ensureLoginRole(db, CDC_ROLE, cdcPassword, true);
                    st.execute("GRANT CONNECT ON DATABASE " + ident(database) + " TO " + CDC_ROLE);
                    for (String schema : capturedSchemas) {
                        revokeTableAccess(st, schema);
                    }
                    if (!capturedSchemas.isEmpty()
                            && !exists(db, "SELECT 1 FROM pg_publication WHERE pubname = ?", PUBLICATION)) {
                        st.execute("CREATE PUBLICATION " + PUBLICATION + " FOR TABLES IN SCHEMA "
                                + String.join(", ", capturedSchemas.stream().map(DatabaseBootstrap::ident).toList()));
                    }
                }
            }
        } catch (SQLException e) {
            throw new StackException("could not prepare database " + database + ": " + e.getMessage(), e);
        }
    }

    /**
     * Prepares a PostgreSQL server that runs elsewhere (a container, a managed instance), from the
     * environment: {@code CLP_DB_HOST}, {@code CLP_DB_PORT}, {@code CLP_DB_NAME}, {@code CLP_DB_SUPERUSER},
     * {@code CLP_DB_SUPERUSER_PASSWORD}, {@code CLP_DB_PASSWORD_<SERVICE>} for each service and
     * {@code CLP_DB_PASSWORD_CDC}.
     */
    public static void main(String[] args) {
        String url = "jdbc:postgresql://" + env("CLP_DB_HOST", "127.0.0.1") + ":" + env("CLP_DB_PORT", "5432") + "/";
        String user = env("CLP_DB_SUPERUSER", "postgres");
        String password = env("CLP_DB_SUPERUSER_PASSWORD", null);
        Map<String, String> passwords = new java.util.LinkedHashMap<>();
        for (String service : ServiceCatalog.NAMES) {
            passwords.put(service, env("CLP_DB_PASSWORD_" + service.toUpperCase(java.util.Locale.ROOT), null));
        }
        bootstrap(db -> java.sql.DriverManager.getConnection(url + db, user, password), env("CLP_DB_NAME", "clp"),
                passwords, ServiceCatalog.CAPTURED_SCHEMAS, env("CLP_DB_PASSWORD_CDC", null));
        System.out.println("database prepared");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            if (fallback == null) {
                throw new StackException("set " + name);
            }
            return fallback;
        }
        return value;
    }

    /**
     * The change-data-capture role reads no table. Both connectors stream from the publication over
     * logical replication (pgoutput) and take no data snapshot ({@code snapshot.mode=no_data},
     * {@code snapshot.locking.mode} left at {@code none}, {@code publication.autocreate.mode=disabled}):
     * decoding the WAL needs the REPLICATION attribute only, and the table structure Debezium reads
     * comes from the system catalogs, which every role may read. Installations bootstrapped before
     * held SELECT on every captured table and schema usage; that is taken back here.
     */
    private static void revokeTableAccess(Statement st, String schema) throws SQLException {
        String owner = ServiceCatalog.role(schema);
        st.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + ident(owner) + " IN SCHEMA " + ident(schema)
                + " REVOKE ALL ON TABLES FROM " + CDC_ROLE);
        st.execute("REVOKE ALL ON ALL TABLES IN SCHEMA " + ident(schema) + " FROM " + CDC_ROLE);
        st.execute("REVOKE ALL ON SCHEMA " + ident(schema) + " FROM " + CDC_ROLE);
    }

    private static void ensureLoginRole(Connection db, String role, String password, boolean replication) throws SQLException {
        // the change-data-capture role only decodes the WAL: it needs REPLICATION, never BYPASSRLS
        // (row security applies to reading tables, which it does not do) nor superuser
        String attrs = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"
                + (replication ? " REPLICATION" : " NOREPLICATION") + " PASSWORD " + literal(password);
        try (Statement st = db.createStatement()) {
            if (exists(db, "SELECT 1 FROM pg_roles WHERE rolname = ?", role)) {
                st.execute("ALTER ROLE " + ident(role) + " WITH " + attrs);
            } else {
                st.execute("CREATE ROLE " + ident(role) + " WITH " + attrs);
            }
        }
    }

    private static boolean exists(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static String ident(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain identifier: " + name);
        }
        return name;
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
