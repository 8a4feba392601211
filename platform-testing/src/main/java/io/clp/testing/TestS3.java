package io.clp.testing;

import io.clp.launcher.Archives;
import io.clp.launcher.S3ProxyServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One real S3-compatible server per test JVM (the launcher's own {@link S3ProxyServer}: S3Proxy with its filesystem
 * backend, a plain Java process), on an ephemeral port, with a temporary data folder and credentials of its own.
 * Started on first use only: a module whose tests never ask for it (every service but pipeline-service) never starts
 * it. Stopped, and its data folder deleted, when the JVM exits.
 */
public final class TestS3 {

    /** The bucket every test reads and writes unless it makes its own. */
    public static final String BUCKET = "clp-drops";
    private static final String JAR_RESOURCE = "s3proxy.path";
    private static TestS3 instance;

    private final S3ProxyServer server;
    private final Path log;
    private volatile Process process;

    private TestS3(S3ProxyServer server, Path log) {
        this.server = server;
        this.log = log;
    }

    public static synchronized TestS3 get() {
        if (instance == null) {
            instance = launch();
        }
        return instance;
    }

    private static TestS3 launch() {
        Path base;
        try {
            base = Files.createTempDirectory("clp-test-s3-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            S3ProxyServer server = new S3ProxyServer(base.resolve("data"), base.resolve("s3proxy.conf"),
                    TestPostgres.freePort(), "test-" + UUID.randomUUID().toString().substring(0, 8),
                    UUID.randomUUID().toString());
            server.writeConfig();
            server.createBucket(BUCKET);
            TestS3 s3 = new TestS3(server, base.resolve("s3proxy.log"));
            s3.startServer();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                s3.stopServer();
                Archives.deleteRecursively(base);
            }));
            return s3;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the build of platform-testing found the server's jar in the local Maven repository. */
    private static Path jar() {
        try (InputStream in = TestS3.class.getResourceAsStream(JAR_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(JAR_RESOURCE + " is not on the classpath: build platform-testing");
            }
            Path jar = Path.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("the S3Proxy jar " + jar + " is missing: build platform-testing again");
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized void startServer() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = ServerProcesses.start(server.command(java, jar()), log, server::accepting, "test S3 server");
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s). */
    private synchronized void stopServer() {
        Process running = process;
        if (running == null || !running.isAlive()) {
            return;
        }
        running.destroy();
        try {
            if (!running.waitFor(10, TimeUnit.SECONDS)) {
                running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the server now, as a crash or an outage would (clients see refused connections until {@link #start()}). */
    public void stop() {
        stopServer();
    }

    /** Starts the stopped server again on the same port, data and credentials (nothing when it runs). */
    public synchronized void start() {
        Process running = process;
        if (running == null || !running.isAlive()) {
            startServer();
        }
    }

    /** Stops the server, keeps it down for {@code down}, and starts it again on the same port and data. */
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

    public String endpoint() {
        return server.endpoint();
    }

    public String region() {
        return S3ProxyServer.REGION;
    }

    public String accessKeyId() {
        return server.accessKeyId();
    }

    public String secretAccessKey() {
        return server.secretAccessKey();
    }

    /** Creates a bucket (a folder of the filesystem backend), also while the server runs. */
    public void createBucket(String bucket) {
        server.createBucket(bucket);
    }

    /**
     * The settings of pipeline-service's S3 source ({@code clp.pipelines.s3.*}) pointed at this server and
     * {@link #BUCKET}; for a test resource that adds them to the service's boot.
     */
    public Map<String, String> pipelineConfig() {
        return Map.of(
                "clp.pipelines.s3.endpoint", endpoint(),
                "clp.pipelines.s3.region", region(),
                "clp.pipelines.s3.bucket", BUCKET,
                "clp.pipelines.s3.path-style", "true",
                "clp.pipelines.s3.access-key-id", accessKeyId(),
                "clp.pipelines.s3.secret-access-key", secretAccessKey());
    }
}
