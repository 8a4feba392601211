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
    private final Process process;

    private TestPostgres(PostgresServer server, Process process) {
        this.server = server;
        this.process = process;
    }

    public static synchronized TestPostgres get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    private static TestPostgres start() {
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir")).resolve("clp-test-postgres");
            Path data = base.resolve("data-" + ProcessHandle.current().pid());
            Archives.deleteRecursively(data);
            PostgresServer server = new PostgresServer(PostgresServer.unpackBinaries(base), data, freePort(), "postgres-test");
            server.initIfNeeded();
            Process process = new ProcessBuilder(server.serverCommand())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(base.resolve("postgres.log").toFile()))
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                process.destroy();
                try {
                    process.waitFor(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Archives.deleteRecursively(data);
            }));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!server.accepting()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("test PostgreSQL did not start; see " + base.resolve("postgres.log"));
                }
                Thread.sleep(200);
            }
            return new TestPostgres(server, process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
        return process.isAlive();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
