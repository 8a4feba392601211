package io.clp.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Files of the local stack that hold passwords are readable by their owner only; so are the stack's folders. */
class LocalFilesTest {

    @TempDir
    Path home;

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void connectorSettingsWithTheCdcPasswordAreReadableByTheirOwnerOnly() throws IOException {
        StackContext ctx = TestStacks.context(home);
        ctx.layout().createDirectories();
        ConnectComponent connect = new ConnectComponent(ctx);
        for (String connector : ConnectComponent.CONNECTORS) {
            Path file = connect.connectorConfig(connector);
            assertThat(Files.readString(file)).contains(ctx.databasePassword("cdc"));
            assertThat(mode(file)).as(connector).isEqualTo("rw-------");
        }
    }

    @Test
    void aConnectorSettingsFileLeftWorldReadableByAnOlderLauncherIsNarrowed() throws IOException {
        StackContext ctx = TestStacks.context(home);
        Path file = ctx.layout().conf("connect").resolve("clp-cdc.properties");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        new ConnectComponent(ctx).connectorConfig("clp-cdc");
        assertThat(mode(file)).isEqualTo("rw-------");
    }

    @Test
    void theSecretsFileIsReadableByItsOwnerOnly() throws IOException {
        StackContext ctx = TestStacks.context(home);
        ctx.secrets().get("db.superuser");
        assertThat(mode(ctx.layout().secretsFile())).isEqualTo("rw-------");
    }

    @Test
    void theStackFoldersAreClosedToOtherUsers() throws IOException {
        StackContext ctx = TestStacks.context(home);
        ctx.layout().createDirectories();
        // PostgreSQL runs as nobody when the launcher is root: it may pass through home and data, not list them
        String passThrough = PostgresServer.isRoot() ? "rwx--x--x" : "rwx------";
        assertThat(mode(home)).isEqualTo(passThrough);
        assertThat(mode(home.resolve("data"))).isEqualTo(passThrough);
        for (Path dir : List.of(home.resolve("conf"), ctx.layout().logs(), home.resolve("run"),
                ctx.layout().data("keycloak"), ctx.layout().data("kafka"), ctx.layout().data("connect"))) {
            assertThat(mode(dir)).as(dir.toString()).isEqualTo("rwx------");
        }
    }

    @Test
    void postgresqlsPasswordFileIsReadableByTheServerUserAndNobodyElse() throws Exception {
        Path data = home.resolve("data").resolve("postgres");
        PostgresServer server = new PostgresServer(home.resolve("no-binaries"), data, 0, "initial-password");
        Files.createDirectories(data.getParent());
        Path file = server.writePasswordFile();
        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(Files.readString(file)).isEqualTo("initial-password");
        if (PostgresServer.isRoot()) {
            Files.setPosixFilePermissions(home, PrivateFiles.TRAVERSE_ONLY_DIR);
            Files.setPosixFilePermissions(data.getParent(), PrivateFiles.TRAVERSE_ONLY_DIR);
            assertThat(Files.getOwner(file).getName()).isEqualTo("nobody");
            assertThat(readAs(65534, file)).as("initdb, running as nobody, reads it").isEqualTo("initial-password");
            assertThat(readAs(65533, file)).as("any other user cannot").isNull();
        }
    }

    /** The file's content as read by a process of that user, or null if it may not read it. */
    private static String readAs(int uid, Path file) throws Exception {
        Process p = new ProcessBuilder("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--",
                "cat", file.toString()).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0 ? out : null;
    }
}
