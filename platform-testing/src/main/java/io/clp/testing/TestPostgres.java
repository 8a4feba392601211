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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One real PostgreSQL 17 per test JVM (the launcher's own {@link PostgresServer}, logical replication
 * on), shared by every test class of a module and stopped when the JVM exits.
 *
 * <p>The server belongs to the JVM, not to this class: Quarkus may load the test support again for a
 * test profile of its own, and that copy of the class finds the server through a JVM-wide system
 * property (its port) and attaches to it, never deleting the folder of a server that runs. Which process is the server is always read from its {@code postmaster.pid}
 * (checked against the process's start time), so any copy can restart or stop it; stops and starts
 * take a JVM-wide lock, and none starts once the JVM is shutting down.
 */
public final class TestPostgres {

    public static final String DATABASE = "clp";
    private static final String SUPERUSER_PASSWORD = "postgres-test";
    /** Held across every loading of this class in the JVM (a string literal is one object JVM-wide). */
    private static final String JVM_LOCK = "io.clp.testing.TestPostgres";
    private static final String PORT_PROPERTY = "clp.test.postgres.port";
    private static final String CLOSING_PROPERTY = "clp.test.postgres.closing";
    private static TestPostgres instance;

    private final PostgresServer server;
    private final Path log;
    /**
     * Run at JVM exit while the server still runs (to drop a replication slot, say): by the hook that stops the
     * server for the loading that started it; by a hook of their own for a loading that attached, which may find
     * the server already stopping (the data folder goes anyway).
     */
    private final List<Runnable> beforeShutdown = new CopyOnWriteArrayList<>();

    private TestPostgres(PostgresServer server, Path log) {
        this.server = server;
        this.log = log;
    }

    public static TestPostgres get() {
        synchronized (JVM_LOCK) {
            if (instance == null) {
                Path base = Path.of(System.getProperty("java.io.tmpdir")).resolve("clp-test-postgres");
                Path data = base.resolve("data-" + ProcessHandle.current().pid());
                String port = System.getProperty(PORT_PROPERTY);
                instance = port != null ? attach(base, data, Integer.parseInt(port)) : start(base, data);
            }
            return instance;
        }
    }

    /** The server this JVM started under another loading of this class. */
    private static TestPostgres attach(Path base, Path data, int port) {
        PostgresServer server = new PostgresServer(PostgresServer.unpackBinaries(base), data, port, SUPERUSER_PASSWORD);
        TestPostgres postgres = new TestPostgres(server, base.resolve("postgres.log"));
        Runtime.getRuntime().addShutdownHook(new Thread(postgres::runBeforeShutdown));
        return postgres;
    }

    private static TestPostgres start(Path base, Path data) {
        try {
            PostgresServer server = new PostgresServer(PostgresServer.unpackBinaries(base), data, freePort(), SUPERUSER_PASSWORD);
            TestPostgres postgres = new TestPostgres(server, base.resolve("postgres.log"));
            // the folder of an earlier JVM that had this pid, whose server may outlive it
            postgres.stopServer();
            Archives.deleteRecursively(data);
            server.initIfNeeded();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.setProperty(CLOSING_PROPERTY, "true");
                try {
                    postgres.runBeforeShutdown();
                } finally {
                    postgres.stopServer();
                    Archives.deleteRecursively(data);
                }
            }));
            postgres.startServer();
            System.setProperty(PORT_PROPERTY, Integer.toString(server.port()));
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void runBeforeShutdown() {
        for (Runnable task : beforeShutdown) {
            try {
                task.run();
            } catch (Throwable e) {
                // the server stops and its data folder goes anyway
            }
        }
    }

    private void startServer() {
        synchronized (JVM_LOCK) {
            if (System.getProperty(CLOSING_PROPERTY) != null) {
                throw new IllegalStateException("the JVM is shutting down: test PostgreSQL does not start again");
            }
            ServerProcesses.start(server.serverCommand(), log, server::accepting, "test PostgreSQL");
        }
    }

    /** Fast shutdown (SIGINT), as an operator's restart does: sessions are cut, open transactions roll back. */
    private void stopServer() {
        synchronized (JVM_LOCK) {
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
    }

    /**
     * The running server's process, from its data folder's {@code postmaster.pid}: the pid (line 1), taken only if
     * that process started when the file says the server did (line 3, epoch seconds), since a file left by a server
     * that died names a pid that may since be another program's.
     */
    private static Optional<ProcessHandle> postmaster(Path data) {
        try {
            List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"));
            long started = Long.parseLong(lines.get(2).trim());
            return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().startInstant().map(at -> Math.abs(at.getEpochSecond() - started) <= 10).orElse(false));
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
