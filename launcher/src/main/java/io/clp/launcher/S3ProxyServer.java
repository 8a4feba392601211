package io.clp.launcher;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An S3-compatible server run as a plain Java process: S3Proxy ({@code org.gaul:s3proxy}, its
 * {@code jar-with-dependencies} from Maven Central) with its filesystem backend, on loopback. Each bucket is a folder
 * of {@code dataDir}; AWS signature v2 and v4 are checked against one access key. Used by the local stack
 * ({@link S3Component}) and by the test support alike.
 *
 * <p>The filesystem backend answers requests without credentials for buckets and objects that other users may read
 * (POSIX "others" read bit): the data folder, each bucket folder and every file the server writes (it runs with
 * umask 077) are its owner's only, so every request must be signed.
 */
public final class S3ProxyServer {

    /** The region S3 clients sign for; S3Proxy accepts any, the platform's config names this one. */
    public static final String REGION = "us-east-1";
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

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
        PrivateFiles.directory(dataDir, PRIVATE_DIR);
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
        PrivateFiles.directory(dataDir, PRIVATE_DIR);
        PrivateFiles.directory(dataDir.resolve(bucket), PRIVATE_DIR);
    }

    /**
     * The command that runs the server's jar ({@code s3proxy-*-jar-with-dependencies.jar}) in the foreground, with a
     * small heap: objects are streamed to and from disk.
     */
    public List<String> command(String java, Path jar) {
        return List.of("/bin/sh", "-c", "umask 077 && exec \"$@\"", "s3proxy",
                java, "-Xms16m", "-Xmx128m", "-XX:+UseSerialGC", "-jar", jar.toString(),
                "--properties", configFile.toString());
    }

    /** Whether the server answers on its port (an unsigned request is refused, which is an answer). */
    public boolean accepting() {
        return Probes.tcp(port);
    }
}
