package io.clp.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An S3-compatible server run as a plain Java process: S3Proxy ({@code org.gaul:s3proxy}, its
 * {@code jar-with-dependencies} from Maven Central) with its filesystem backend, on loopback. Each bucket is a folder
 * of {@code dataDir}; AWS signature v2 and v4 are checked against one access key. Used by the local stack
 * ({@link S3Component}) and by the test support alike.
 */
public final class S3ProxyServer {

    /** The region S3 clients sign for; S3Proxy accepts any, the platform's config names this one. */
    public static final String REGION = "us-east-1";

    private final Path dataDir;
    private final Path configFile;
    private final int port;
    private final String accessKeyId;
    private final String secretAccessKey;

    public S3ProxyServer(Path dataDir, Path configFile, int port, String accessKeyId, String secretAccessKey) {
        this.dataDir = Objects.requireNonNull(dataDir);
        this.configFile = Objects.requireNonNull(configFile);
        this.port = port;
        this.accessKeyId = Objects.requireNonNull(accessKeyId);
        this.secretAccessKey = Objects.requireNonNull(secretAccessKey);
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    public String secretAccessKey() {
        return secretAccessKey;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Writes the server's settings (they hold the secret key: owner-only) and creates its data folder. */
    public void writeConfig() {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PrivateFiles.write(configFile, String.join("\n",
                "s3proxy.endpoint=" + endpoint(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + accessKeyId,
                "s3proxy.credential=" + secretAccessKey,
                "jclouds.provider=filesystem-nio2",
                "jclouds.filesystem.basedir=" + dataDir.toAbsolutePath(),
                ""));
    }

    /** A bucket of the filesystem backend is a folder of the data folder: created before or while the server runs. */
    public void createBucket(String bucket) {
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("not a bucket name: " + bucket);
        }
        try {
            Files.createDirectories(dataDir.resolve(bucket));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The command that runs the server's jar ({@code s3proxy-*-jar-with-dependencies.jar}) in the foreground, with a
     * small heap: objects are streamed to and from disk.
     */
    public List<String> command(String java, Path jar) {
        return List.of(java, "-Xms16m", "-Xmx128m", "-XX:+UseSerialGC", "-jar", jar.toString(),
                "--properties", configFile.toString());
    }

    /** Whether the server answers on its port (an unsigned request is refused, which is an answer). */
    public boolean accepting() {
        return Probes.tcp(port);
    }
}
