package io.clp.testing;

import io.clp.launcher.Archives;
import io.clp.launcher.DatabaseBootstrap;
import io.clp.launcher.PostgresServer;
import io.clp.launcher.ServiceCatalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One real PostgreSQL 17 per test JVM (the launcher's own {@link PostgresServer}, logical replication
 * on), shared by every test class of a module and stopped when the JVM exits.
 *
 * <p>The server belongs to the JVM, not to this class: Quarkus may load the test support again for a
 * test profile of its own, and that copy of the class finds the server through the file its first
 * loading wrote beside the data folder (this JVM's start time and the server's port) and attaches to
 * it, never deleting the folder of a server this JVM runs. The running server's pid is always read
 * from its {@code postmaster.pid}, so any copy can restart or stop it.
 */
public final class TestPostgres {

    public static final String DATABASE = "clp";
    private static final String SUPERUSER_PASSWORD = "postgres-test";
    /** Held across every loading of this class in the JVM (a string literal is one object JVM-wide). */
    private static final String JVM_LOCK = "io.clp.testing.TestPostgres";
    private static TestPostgres instance;

    private final PostgresServer server;
    private final Path log;
    /** Run before the server stops at JVM exit (shutdown hooks run concurrently, so not as hooks of their own). */
    private final List<Runnable> beforeShutdown = new java.util.concurrent.CopyOnWriteArrayList<>();

    private TestPostgres(PostgresServer server, Path log) {
        this.server = server;
        this.log = log;
    }

    public static TestPostgres get() {
        synchronized (JVM_LOCK) {
            if (instance == null) {
                Path base = Path.of(System.getProperty("java.io.tmpdir")).resolve("clp-test-postgres");
                Path data = base.resolve("data-" + ProcessHandle.current().pid());
                Path owner = base.resolve("data-" + ProcessHandle.current().pid() + ".jvm");
                instance = startedByThisJvm(owner).map(port -> attach(base, data, port))
                        .orElseGet(() -> start(base, data, owner));
            }
            return instance;
        }
    }

    /** This JVM's start, as written to the owner file: what tells its server from an earlier JVM's with the same pid. */
    private static String thisJvm() {
        return ProcessHandle.current().info().startInstant().map(Object::toString).orElse("unknown");
    }

    /** The port of the server this JVM started under another loading of this class, if it did. */
    private static Optional<Integer> startedByThisJvm(Path owner) {
        try {
            String[] written = Files.readString(owner).trim().split(" ");
            return written.length == 2 && written[0].equals(thisJvm()) ? Optional.of(Integer.parseInt(written[1])) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The server this JVM started under another loading of this class. */
    private static TestPostgres attach(Path base, Path data, int port) {
        PostgresServer server = new PostgresServer(PostgresServer.unpackBinaries(base), data, port, SUPERUSER_PASSWORD);
        return new TestPostgres(server, base.resolve("postgres.log"));
    }

    private static TestPostgres start(Path base, Path data, Path owner) {
        // a folder of an earlier JVM that had this pid
        Archives.deleteRecursively(data);
        try {
            PostgresServer server = new PostgresServer(PostgresServer.unpackBinaries(base), data, freePort(), SUPERUSER_PASSWORD);
            server.initIfNeeded();
            TestPostgres postgres = new TestPostgres(server, base.resolve("postgres.log"));
            postgres.startServer();
            Files.writeString(owner, thisJvm() + " " + server.port());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (Runnable task : postgres.beforeShutdown) {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        // the server stops and its data folder goes anyway
                    }
                }
                postgres.stopServer();
                Archives.deleteRecursively(data);
                try {
                    Files.deleteIfExists(owner);
                } catch (IOException e) {
                    // an earlier JVM's owner file never matches a later JVM's start
                }
            }));
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startServer() {
        try {
            Process process = new ProcessBuilder(server.serverCommand())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!server.accepting()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("test PostgreSQL did not start; see " + log);
                }
                Thread.sleep(200);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Fast shutdown (SIGINT), as an operator's restart does: sessions are cut, open transactions roll back. */
    private void stopServer() {
        Optional<ProcessHandle> found = postmaster(server.dataDir());
        if (found.isEmpty()) {
            return;
        }
        ProcessHandle running = found.get();
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(running.pid())).start().waitFor(10, TimeUnit.SECONDS);
            try {
                running.onExit().get(30, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                running.destroyForcibly();
                running.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (IOException | TimeoutException | ExecutionException e) {
            running.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The running server's process, from the pid it writes first to its data folder's {@code postmaster.pid}. */
    private static Optional<ProcessHandle> postmaster(Path data) {
        try {
            return ProcessHandle.of(Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim()))
                    .filter(ProcessHandle::isAlive)
                    // a file left by a server that died names a pid that may since be another program's
                    .filter(p -> p.info().command().map(command -> command.endsWith("postgres")).orElse(true));
        } catch (IOException | RuntimeException e) {
            // no server, or one still writing the file
            return Optional.empty();
        }
    }

    /**
     * Stops the server, keeps it down for {@code down}, and starts it again on the same data folder and
     * port: what clients see of a database restart (connections closed, then refused, then back).
     */
    public void restart(java.time.Duration down) {
        stopServer();
        try {
            Thread.sleep(down.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        startServer();
    }

    /** Runs {@code task} at JVM exit while the server still runs (to drop a replication slot, say). */
    public void beforeShutdown(Runnable task) {
        beforeShutdown.add(task);
    }

    /** Creates the service's role and schema (as the local stack does) and returns its password. */
    public String prepareService(String service) {
        return prepareService(service, DATABASE);
    }

    /** The same in a database of its own (created if missing), for tests that must not share the module's. */
    public String prepareService(String service, String database) {
        String password = "test-" + service;
        DatabaseBootstrap.bootstrap(server, database, Map.of(service, password), List.of(), null);
        return password;
    }

    public PostgresServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    public String role(String service) {
        return ServiceCatalog.role(service);
    }

    public boolean running() {
        return postmaster(server.dataDir()).isPresent();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
