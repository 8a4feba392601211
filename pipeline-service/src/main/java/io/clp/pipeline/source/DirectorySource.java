package io.clp.pipeline.source;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Daily files from a directory on the server (kind {@code directory}): every organization has its own subdirectory of
 * {@code clp.pipelines.files.root}, named by its id; a pipeline's {@code source.path} is relative to it. A window
 * reads the files of the directory (not its subdirectories) whose name matches {@code filenamePattern} (a glob,
 * default {@code *.csv}) and carries a day of the window: the first {@code YYYY-MM-DD} or {@code YYYYMMDD} in the
 * name that is a valid date (e.g. {@code media_2026-03-01.csv}, {@code export-20260301.csv}). Files without a date in
 * their name are not read. Nothing outside the organization's directory is ever read: the path is normalized, a
 * {@code ..} segment or an absolute path is refused, and symbolic links are followed only when they stay inside it.
 */
@ApplicationScoped
public class DirectorySource implements Source.Listed {

    public static final String KIND = "directory";

    private static final Pattern DAY = Pattern.compile("(?<!\\d)(\\d{4})-?(\\d{2})-?(\\d{2})(?!\\d)");

    private final Path root;

    public DirectorySource(@ConfigProperty(name = "clp.pipelines.files.root") Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public List<SourceObject> list(SourceRequest request) throws IOException {
        Path orgRoot = orgRoot(request.organizationId());
        if (!Files.isDirectory(orgRoot)) {
            return List.of();
        }
        Path realOrgRoot = orgRoot.toRealPath();
        Path dir = inside(orgRoot, request.config().path("source").path("path").asText(""));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        Path realDir = dir.toRealPath();
        if (!realDir.startsWith(realOrgRoot)) {
            throw new SourceRefusedException("the source path leads outside the organization's directory");
        }
        java.util.function.Predicate<String> matcher = S3Keys.fileNameMatcher(request.config().path("filenamePattern").asText(""));
        List<SourceObject> objects = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                Path name = file.getFileName();
                if (!matcher.test(name.toString())) {
                    continue;
                }
                LocalDate day = dayOf(name.toString());
                if (day == null || day.isBefore(request.from()) || day.isAfter(request.to())) {
                    continue;
                }
                Path real = file.toRealPath();
                if (!real.startsWith(realOrgRoot)) {
                    throw new SourceRefusedException("a file of the source path leads outside the organization's directory: "
                            + orgRoot.relativize(file));
                }
                BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
                if (!attributes.isRegularFile()) {
                    continue;
                }
                objects.add(new SourceObject(orgRoot.relativize(file).toString(), attributes.size(),
                        attributes.lastModifiedTime().toInstant(),
                        attributes.lastModifiedTime().toMillis() + "-" + attributes.size(), day));
            }
        }
        objects.sort(Comparator.comparing(SourceObject::day).thenComparing(SourceObject::name));
        return objects;
    }

    @Override
    public InputStream open(SourceRequest request, SourceObject object) throws IOException {
        Path orgRoot = orgRoot(request.organizationId());
        Path file = inside(orgRoot, object.name());
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(object.name());
        }
        if (!real.startsWith(orgRoot.toRealPath()) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new SourceRefusedException("the file leads outside the organization's directory: " + object.name());
        }
        return Files.newInputStream(real);
    }

    /** The first valid date in a file name ({@code YYYY-MM-DD} or {@code YYYYMMDD}), or null. */
    public static LocalDate dayOf(String fileName) {
        Matcher m = DAY.matcher(fileName);
        while (m.find()) {
            String text = m.group();
            boolean dashed = text.length() == 10;
            if (!dashed && text.length() != 8) {
                continue; // one dash but not the other
            }
            try {
                return LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            } catch (DateTimeException e) {
                // not a date: look further
            }
        }
        return null;
    }

    private Path orgRoot(UUID organizationId) {
        return root.resolve(organizationId.toString());
    }

    /** {@code relative} below {@code base}, refused when absolute, with a {@code ..} segment or a backslash. */
    static Path inside(Path base, String relative) throws SourceRefusedException {
        if (relative.startsWith("/") || relative.contains("\\") || relative.indexOf('\0') >= 0) {
            throw new SourceRefusedException("the source path must be relative to the organization's directory");
        }
        for (String segment : relative.split("/")) {
            if (segment.equals("..")) {
                throw new SourceRefusedException("the source path may not name a parent directory (..)");
            }
        }
        Path resolved = base.resolve(relative).normalize();
        if (!resolved.startsWith(base)) {
            throw new SourceRefusedException("the source path leads outside the organization's directory");
        }
        return resolved;
    }
}
