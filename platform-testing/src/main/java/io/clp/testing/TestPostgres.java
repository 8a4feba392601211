package io.clp.testing;

import io.clp.launcher.Archives;
import io.clp.launcher.DatabaseBootstrap;
import io.clp.launcher.PostgresServer;
import io.clp.launcher.ServiceCatalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real PostgreSQL 17 per test JVM (the launcher's own {@link PostgresServer}, logical replication
 * on), shared by every test class of a module and stopped when the JVM exits.
 */
public final class TestPostgres {

    public static final String DATABASE = "clp";
    private static TestPostgres instance;

    private final PostgresServer server;
    private final Path log;
    private volatile Process process;
    /** Run before the server stops at JVM exit (shutdown hooks run concurrently, so not as hooks of their own). */
    private final List<Runnable> beforeShutdown = new java.util.concurrent.CopyOnWriteArrayList<>();

    private TestPostgres(PostgresServer server, Path log) {
        this.server = server;
        this.log = log;
    }

    public static synchronized TestPostgres get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    private static TestPostgres start() {
        Path base = Path.of(System.getProperty("java.io.tmpdir")).resolve("clp-test-postgres");
        Path data = base.resolve("data-" + ProcessHandle.current().pid());
        Archives.deleteRecursively(data);
        try {
            PostgresServer server = new PostgresServer(PostgresServer.unpackBinaries(base), data, freePort(), "postgres-test");
            server.initIfNeeded();
            TestPostgres postgres = new TestPostgres(server, base.resolve("postgres.log"));
            postgres.startServer();
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
            }));
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized void startServer() {
        try {
            process = new ProcessBuilder(server.serverCommand())
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
    private synchronized void stopServer() {
        Process running = process;
        if (running == null || !running.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(running.pid())).start().waitFor(10, TimeUnit.SECONDS);
            if (!running.waitFor(30, TimeUnit.SECONDS)) {
                running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            running.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        Process running = process;
        return running != null && running.isAlive();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
