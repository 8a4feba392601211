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
    void theChangeDataCaptureRoleReadsPublishedSchemasAndReplicates() throws Exception {
        try (Connection c = as("clp_campaign", "pw-campaign"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS published (id int)");
        }
        try (Connection c = as("clp_cdc", "pw-cdc"); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM campaign.published")) {
                assertThat(rs.next()).isTrue();
            }
            try (ResultSet rs = st.executeQuery("SELECT rolreplication FROM pg_roles WHERE rolname = 'clp_cdc'")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isTrue();
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT count(*) FROM pg_publication_tables WHERE pubname = 'clp_cdc' AND tablename = 'published'")) {
                rs.next();
                assertThat(rs.getLong(1)).as("new tables join the publication").isEqualTo(1);
            }
            try (ResultSet rs = st.executeQuery("SHOW wal_level")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("logical");
            }
        }
    }
}
