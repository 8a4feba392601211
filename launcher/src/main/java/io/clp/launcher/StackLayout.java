package io.clp.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/**
 * Where the local stack keeps things. Everything the stack writes lives under {@code home}
 * (by default {@code <repo>/.clp}, git-ignored): data that survives {@code down}/{@code up},
 * logs, PID files and the unpacked distributions.
 */
public record StackLayout(Path repoRoot, Path home) {

    public static StackLayout discover() {
        Path root = locateRepoRoot();
        String home = System.getenv("CLP_HOME");
        return new StackLayout(root, home == null || home.isBlank() ? root.resolve(".clp") : Path.of(home).toAbsolutePath());
    }

    public static Path locateRepoRoot() {
        String explicit = System.getenv("CLP_REPO");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("clp")) && Files.isDirectory(dir.resolve("deploy/local"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new StackException("cannot find the CLP repository root above " + Path.of("").toAbsolutePath()
                + "; run from inside the repository or set CLP_REPO");
    }

    public Path data(String component) {
        return home.resolve("data").resolve(component);
    }

    public Path logs() {
        return home.resolve("logs");
    }

    public Path log(String component) {
        return logs().resolve(component + ".log");
    }

    public Path pidFile(String component) {
        return home.resolve("run").resolve(component + ".pid");
    }

    public Path conf(String component) {
        return home.resolve("conf").resolve(component);
    }

    /** Unpacked distributions: a cache, rebuilt from the local Maven repository when missing. */
    public Path dist() {
        return home.resolve("dist");
    }

    public Path secretsFile() {
        return home.resolve("secrets.properties");
    }

    /** A file written by the build of deploy/local that names where an artifact sits in the Maven repository. */
    public Path artifactPathFile(String name) {
        return repoRoot.resolve("deploy/local/target/stack").resolve(name + ".path");
    }

    /**
     * Creates the stack's folders, closed to other users: the data (Keycloak's database holds client
     * secrets), the configuration (Connect's settings hold the CDC role's password), logs and PID
     * files. When the launcher runs as root, PostgreSQL runs as {@code nobody} and must pass through
     * the home and data folders to reach its own data folder (which it owns), so those two may be
     * traversed but not listed; the unpacked distributions stay readable for the same reason.
     */
    public void createDirectories() {
        Set<PosixFilePermission> passThrough = PostgresServer.isRoot() ? PrivateFiles.TRAVERSE_ONLY_DIR : PrivateFiles.PRIVATE_DIR;
        PrivateFiles.directory(home, passThrough);
        PrivateFiles.directory(home.resolve("data"), passThrough);
        for (String component : List.of("keycloak", "kafka", "connect")) {
            PrivateFiles.directory(data(component), PrivateFiles.PRIVATE_DIR);
        }
        for (Path p : new Path[] {logs(), home.resolve("run"), home.resolve("conf")}) {
            PrivateFiles.directory(p, PrivateFiles.PRIVATE_DIR);
        }
        try {
            Files.createDirectories(dist());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
