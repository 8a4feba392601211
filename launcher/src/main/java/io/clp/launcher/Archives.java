package io.clp.launcher;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

/** Unpacks the distributions the stack runs (tar.gz and tar.xz), keeping file modes and symlinks. */
public final class Archives {

    private Archives() {
    }

    /**
     * Unpacks {@code archive} into {@code target} once: a marker file records a finished unpack, so an
     * interrupted one is redone from scratch.
     */
    public static Path unpackOnce(InputStream archive, boolean xz, Path target, String what) {
        Path marker = target.resolve(".unpacked");
        if (Files.exists(marker)) {
            return target;
        }
        System.out.println("  unpacking " + what + " ...");
        deleteRecursively(target);
        try (InputStream in = new BufferedInputStream(archive);
             InputStream decompressed = xz ? new XZCompressorInputStream(in) : new GzipCompressorInputStream(in);
             TarArchiveInputStream tar = new TarArchiveInputStream(decompressed)) {
            Files.createDirectories(target);
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new StackException("refusing archive entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.deleteIfExists(out);
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(out, permissions(entry.getMode()));
                }
            }
            Files.createFile(marker);
            return target;
        } catch (IOException e) {
            throw new StackException("could not unpack " + what + ": " + e.getMessage(), e);
        }
    }

    public static Path unpackOnce(Path archive, Path target, String what) {
        try {
            return unpackOnce(Files.newInputStream(archive), archive.toString().endsWith("xz"), target, what);
        } catch (IOException e) {
            throw new StackException("cannot read " + archive + ": " + e.getMessage(), e);
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        set.add(PosixFilePermission.OWNER_READ);
        return set;
    }

    public static void deleteRecursively(Path path) {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
