package io.clp.launcher;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against a real PostgreSQL 17: each service's role reaches its own schema and nothing else. */
class DatabaseBootstrapTest {

    private static PostgresServer server;
    private static Process process;

    @BeforeAll
    static void start() throws Exception {
        Path base = Path.of(System.getProperty("java.io.tmpdir")).resolve("bootstrap-test");
        Archives.deleteRecursively(base.resolve("data"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        server = new PostgresServer(PostgresServer.unpackBinaries(base), base.resolve("data"), port, "super-secret");
        server.initIfNeeded();
        process = new ProcessBuilder(server.serverCommand()).redirectErrorStream(true)
                .redirectOutput(base.resolve("postgres.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!server.accepting()) {
            assertThat(process.isAlive()).as("postgres running").isTrue();
            assertThat(System.nanoTime()).as("postgres ready in time").isLessThan(deadline);
            Thread.sleep(200);
        }
        Map<String, String> passwords = Map.of("identity", "pw-identity", "campaign", "pw-campaign");
        DatabaseBootstrap.bootstrap(server, "clp", passwords, List.of("identity", "campaign"), "pw-cdc");
        // idempotent: a second start changes nothing and does not fail
        DatabaseBootstrap.bootstrap(server, "clp", passwords, List.of("identity", "campaign"), "pw-cdc");
    }

    @AfterAll
    static void stop() throws Exception {
        process.destroy();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private static Connection as(String role, String password) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl("clp"), role, password);
    }

    @Test
    void aServiceRoleCreatesInItsOwnSchemaByDefault() throws Exception {
        try (Connection c = as("clp_identity", "pw-identity"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE things (id int)");
            try (ResultSet rs = st.executeQuery("SELECT schemaname FROM pg_tables WHERE tablename = 'things'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("identity");
            }
        }
    }

    @Test
    void aServiceRoleCannotReadOrCreateInAnotherSchema() throws Exception {
        try (Connection c = as("clp_campaign", "pw-campaign"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE secrets (id int)");
        }
        try (Connection c = as("clp_identity", "pw-identity"); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeQuery("SELECT * FROM campaign.secrets"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.execute("CREATE TABLE campaign.intruder (id int)"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> st.execute("CREATE TABLE public.intruder (id int)"))
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void theChangeDataCaptureRoleMayLogInAndReplicateAndNothingMore() throws Exception {
        try (Connection c = server.connect("clp"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT rolsuper, rolbypassrls, rolreplication, rolcanlogin, rolcreatedb,"
                     + " rolcreaterole, rolinherit FROM pg_roles WHERE rolname = 'clp_cdc'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean("rolsuper")).as("superuser").isFalse();
            assertThat(rs.getBoolean("rolbypassrls")).as("bypasses row-level security").isFalse();
            assertThat(rs.getBoolean("rolcreatedb")).isFalse();
            assertThat(rs.getBoolean("rolcreaterole")).isFalse();
            assertThat(rs.getBoolean("rolreplication")).isTrue();
            assertThat(rs.getBoolean("rolcanlogin")).isTrue();
        }
        assertThat(cdcPrivileges()).containsExactly("CONNECT ON DATABASE clp");
    }

    /** Every privilege granted to the CDC role (tables, schemas, the database, default privileges, memberships). */
    private static List<String> cdcPrivileges() throws SQLException {
        List<String> privileges = new java.util.ArrayList<>();
        try (Connection c = server.connect("clp"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT a.privilege_type || ' ON TABLE ' || n.nspname || '.' || cl.relname
                       FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace, aclexplode(cl.relacl) a
                      WHERE a.grantee = 'clp_cdc'::regrole
                     UNION ALL
                     SELECT a.privilege_type || ' ON SCHEMA ' || n.nspname
                       FROM pg_namespace n, aclexplode(n.nspacl) a WHERE a.grantee = 'clp_cdc'::regrole
                     UNION ALL
                     SELECT a.privilege_type || ' ON DATABASE ' || d.datname
                       FROM pg_database d, aclexplode(d.datacl) a WHERE a.grantee = 'clp_cdc'::regrole
                     UNION ALL
                     SELECT a.privilege_type || ' BY DEFAULT IN ' || coalesce(n.nspname, 'any schema')
                       FROM pg_default_acl da LEFT JOIN pg_namespace n ON n.oid = da.defaclnamespace,
                            aclexplode(da.defaclacl) a WHERE a.grantee = 'clp_cdc'::regrole
                     UNION ALL
                     SELECT 'MEMBER OF ' || m.roleid::regrole FROM pg_auth_members m WHERE m.member = 'clp_cdc'::regrole
                     ORDER BY 1""")) {
            while (rs.next()) {
                privileges.add(rs.getString(1));
            }
        }
        return privileges;
    }

    @Test
    void theChangeDataCaptureRoleCannotReadAnyTable() throws Exception {
        try (Connection c = as("clp_campaign", "pw-campaign"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS unreadable (id int)");
        }
        try (Connection c = as("clp_cdc", "pw-cdc"); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeQuery("SELECT count(*) FROM campaign.unreadable"))
                    .hasMessageContaining("permission denied");
        }
    }

    @Test
    void theChangeDataCaptureRoleStreamsChangesOfPublishedTablesItCannotRead() throws Exception {
        try (Connection c = as("clp_campaign", "pw-campaign"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS published (id int PRIMARY KEY)");
        }
        try (Connection c = as("clp_cdc", "pw-cdc"); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(
                    "SELECT count(*) FROM pg_publication_tables WHERE pubname = 'clp_cdc' AND tablename = 'published'")) {
                rs.next();
                assertThat(rs.getLong(1)).as("new tables join the publication").isEqualTo(1);
            }
            try (ResultSet rs = st.executeQuery("SHOW wal_level")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("logical");
            }
            // what Debezium does with pgoutput: a logical slot, decoded through the publication
            st.execute("SELECT pg_create_logical_replication_slot('bootstrap_test', 'pgoutput')");
            try {
                try (Connection owner = as("clp_campaign", "pw-campaign"); Statement ost = owner.createStatement()) {
                    ost.execute("INSERT INTO published VALUES (" + System.nanoTime() % 1_000_000 + ")");
                }
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_logical_slot_get_binary_changes("
                        + "'bootstrap_test', NULL, NULL, 'proto_version', '1', 'publication_names', 'clp_cdc')"
                        + " WHERE get_byte(data, 0) = ascii('I')")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("insert messages decoded").isEqualTo(1);
                }
            } finally {
                st.execute("SELECT pg_drop_replication_slot('bootstrap_test')");
            }
        }
    }

    @Test
    void bootstrappingAgainTakesBackWhatOlderInstallationsGaveTheChangeDataCaptureRole() throws Exception {
        try (Connection c = server.connect("clp"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS identity.legacy (id int)");
            st.execute("ALTER ROLE clp_cdc BYPASSRLS");
            st.execute("GRANT USAGE ON SCHEMA identity TO clp_cdc");
            st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA identity TO clp_cdc");
            st.execute("ALTER DEFAULT PRIVILEGES FOR ROLE clp_identity IN SCHEMA identity GRANT SELECT ON TABLES TO clp_cdc");
        }
        assertThat(cdcPrivileges()).contains("SELECT ON TABLE identity.legacy", "USAGE ON SCHEMA identity");

        DatabaseBootstrap.bootstrap(server, "clp", Map.of("identity", "pw-identity", "campaign", "pw-campaign"),
                List.of("identity", "campaign"), "pw-cdc");

        assertThat(cdcPrivileges()).containsExactly("CONNECT ON DATABASE clp");
        try (Connection c = server.connect("clp"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT rolbypassrls FROM pg_roles WHERE rolname = 'clp_cdc'")) {
            rs.next();
            assertThat(rs.getBoolean(1)).isFalse();
        }
    }
}
