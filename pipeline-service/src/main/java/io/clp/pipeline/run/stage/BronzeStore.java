package io.clp.pipeline.run.stage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Bronze: every object an execution read, byte for byte as received, one file per execution, attempt and object below
 * {@code clp.pipelines.bronze.dir} ({@code <org>/<execution>/<attempt>/<object no>.csv}). The file is written while
 * the source is read ({@link Tee}: no second read of the source), with its size and SHA-256; a resumed execution
 * reads bronze from here, never from the source again.
 *
 * <p>Each run of the bronze stage writes into a directory of its own (the attempt), and the stage's commit records
 * which attempt is the execution's bronze: an executor that lost its lease and the one that took the execution over
 * never write the same file, and the loser's files are never read. Bronze written before attempts existed lies
 * directly in the execution's directory (attempt {@code null}).
 */
final class BronzeStore {

    private final Path root;

    BronzeStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    Path executionDir(UUID organizationId, UUID executionId) {
        return root.resolve(organizationId.toString()).resolve(executionId.toString());
    }

    /** Where an attempt's files are (the execution's directory for bronze written before attempts). */
    Path attemptDir(UUID organizationId, UUID executionId, UUID attempt) {
        Path dir = executionDir(organizationId, executionId);
        return attempt == null ? dir : dir.resolve(attempt.toString());
    }

    Path object(UUID organizationId, UUID executionId, UUID attempt, int objectNo) {
        return attemptDir(organizationId, executionId, attempt).resolve(objectNo + ".csv");
    }

    /** A new attempt at the execution's bronze (a re-run of bronze reads the source again), in a directory of its own. */
    UUID begin(UUID organizationId, UUID executionId) throws IOException {
        UUID attempt = UUID.randomUUID();
        Files.createDirectories(attemptDir(organizationId, executionId, attempt));
        return attempt;
    }

    /**
     * After the attempt committed: what other attempts (or the layout before attempts) left goes. Best effort: another
     * executor may still be writing its attempt; the janitor removes whatever is left with the execution.
     */
    void keepOnly(UUID organizationId, UUID executionId, UUID attempt) {
        Path dir = executionDir(organizationId, executionId);
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.filter(p -> !p.getFileName().toString().equals(attempt.toString())).toList()) {
                deleteQuietly(p);
            }
        } catch (IOException | RuntimeException e) {
            // left to the janitor
        }
    }

    /** An attempt that did not commit leaves nothing. Best effort, as {@link #keepOnly}. */
    void discard(UUID organizationId, UUID executionId, UUID attempt) {
        deleteQuietly(attemptDir(organizationId, executionId, attempt));
    }

    private static void deleteQuietly(Path path) {
        try {
            delete(path);
        } catch (IOException | RuntimeException e) {
            // left to the janitor
        }
    }

    InputStream read(UUID organizationId, UUID executionId, UUID attempt, int objectNo) throws IOException {
        return Files.newInputStream(object(organizationId, executionId, attempt, objectNo));
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Copies what is read from the source to the bronze file, counting bytes and hashing them on the way. */
    static final class Tee extends FilterInputStream {

        private final OutputStream copy;
        private final MessageDigest sha256;
        private final Path part;
        private final Path target;
        private long size;

        Tee(InputStream source, Path target) throws IOException {
            super(source);
            this.target = target;
            this.part = target.resolveSibling(target.getFileName() + ".part");
            this.copy = Files.newOutputStream(part);
            try {
                this.sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                copy.write(b);
                sha256.update((byte) b);
                size++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                copy.write(buffer, offset, n);
                sha256.update(buffer, offset, n);
                size += n;
            }
            return n;
        }

        /** Reads what the parser left unread (a trailing newline), then keeps the file under its final name. */
        Stored finish() throws IOException {
            byte[] rest = new byte[8192];
            while (read(rest, 0, rest.length) > 0) {
                // drained into the copy
            }
            copy.close();
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Stored(size, HexFormat.of().formatHex(sha256.digest()));
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                copy.close();
                Files.deleteIfExists(part);
            }
        }
    }

    record Stored(long size, String sha256) {
    }
}
