package io.clp.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files that hold passwords (connector settings, PostgreSQL's initial password file, the secrets
 * file): readable by their owner only, and never readable by anyone else for even a moment.
 */
public final class PrivateFiles {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    /** A folder others may pass through (to reach a file handed to them) but not list. */
    static final Set<PosixFilePermission> TRAVERSE_ONLY_DIR = PosixFilePermissions.fromString("rwx--x--x");

    private PrivateFiles() {
    }

    /**
     * Writes {@code content} to a file of mode 0600. The file is created with that mode (never
     * through the umask), and an existing file is narrowed before the new content goes in.
     */
    public static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException e) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
            Files.writeString(file, content, StandardCharsets.UTF_8,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the folder if needed and gives it the mode. */
    public static Path directory(Path dir, Set<PosixFilePermission> mode) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, mode);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
