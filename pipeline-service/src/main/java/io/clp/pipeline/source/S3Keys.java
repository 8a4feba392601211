package io.clp.pipeline.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.clp.platform.messaging.Failures;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an organization's objects are in the platform's bucket, and which of them a window reads.
 *
 * <ul>
 *   <li>An organization's objects are all under {@code orgs/<orgId>/}; a pipeline's {@code config.source.prefix} is a
 *   folder below it: relative (no leading {@code /}), without {@code ..} segments, backslashes, control characters or
 *   empty segments (one trailing {@code /} is allowed); {@code .} segments are dropped. A prefix breaking these rules
 *   is refused, never repaired, so no key of another organization can be named.</li>
 *   <li>The objects read are those directly in that folder (not in folders below it) whose file name matches
 *   {@code config.filenamePattern} (a glob: {@code *}, {@code ?}, {@code [...]}, {@code {a,b}}; default
 *   {@code *.csv}) and holds a day of the window.</li>
 *   <li>The day of a file is the first date in its name written {@code YYYY-MM-DD} or {@code YYYYMMDD} (not part of
 *   a longer run of digits, and a real calendar date): {@code media_2026-03-01.csv} and {@code 20260301-media.csv}
 *   hold 1 March 2026. A file without one is not read.</li>
 * </ul>
 */
public final class S3Keys {

    public static final String DEFAULT_FILENAME_PATTERN = "*.csv";
    /** A date in a file name: YYYY-MM-DD or YYYYMMDD (the same separator, or none, in both places). */
    private static final Pattern DAY = Pattern.compile("(?<![0-9])([0-9]{4})(-?)([0-9]{2})\\2([0-9]{2})(?![0-9])");
    private static final int MAX_PREFIX_LENGTH = 1024;

    private S3Keys() {
    }

    /** {@code orgs/<orgId>/}: everything the organization's pipelines may read is below it. */
    public static String organizationPrefix(UUID organizationId) {
        return "orgs/" + organizationId + "/";
    }

    /**
     * The pipeline's folder relative to its organization's prefix, normalized to end with {@code /}; refused (a
     * permanent failure) when it could reach outside that prefix or is not a plain relative folder.
     */
    public static String relativePrefix(String prefix) {
        if (prefix == null || prefix.isBlank()) {
            throw refused("is empty");
        }
        if (prefix.length() > MAX_PREFIX_LENGTH) {
            throw refused("is longer than " + MAX_PREFIX_LENGTH + " characters");
        }
        if (prefix.startsWith("/")) {
            throw refused("is absolute (starts with /)");
        }
        if (prefix.indexOf('\\') >= 0) {
            throw refused("holds a backslash");
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.isISOControl(prefix.charAt(i))) {
                throw refused("holds a control character");
            }
        }
        String body = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        StringBuilder normalized = new StringBuilder();
        for (String segment : body.split("/", -1)) {
            if (segment.isEmpty()) {
                throw refused("holds an empty segment (//)");
            }
            if (segment.equals("..")) {
                throw refused("holds a '..' segment");
            }
            if (!segment.equals(".")) {
                normalized.append(segment).append('/');
            }
        }
        if (normalized.isEmpty()) {
            throw refused("names no folder");
        }
        return normalized.toString();
    }

    /** The full key prefix of a pipeline's folder: {@code orgs/<orgId>/<prefix>/}. */
    public static String pipelinePrefix(UUID organizationId, String prefix) {
        return organizationPrefix(organizationId) + relativePrefix(prefix);
    }

    /** The day a file name holds, if it holds one. */
    public static Optional<LocalDate> dayInName(String fileName) {
        Matcher m = DAY.matcher(fileName);
        while (m.find()) {
            try {
                return Optional.of(LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3)),
                        Integer.parseInt(m.group(4))));
            } catch (DateTimeException e) {
                // not a calendar date (20261340): look further
            }
        }
        return Optional.empty();
    }

    /** A matcher of file names for a {@code filenamePattern} glob ({@link Globs}); a pattern that is not a glob is refused. */
    public static java.util.function.Predicate<String> fileNameMatcher(String glob) {
        return Globs.fileNames(glob == null || glob.isBlank() ? DEFAULT_FILENAME_PATTERN : glob);
    }

    /** The source's prefix: {@code config.source.prefix} (or, in a pipeline's config, {@code params.source.prefix}). */
    static String configuredPrefix(JsonNode config) {
        JsonNode source = field(config, "source");
        if (source == null || !source.isObject()) {
            throw new Failures.Permanent("the pipeline's config has no source");
        }
        JsonNode kind = source.get("kind");
        if (kind == null || !"s3".equals(kind.asText())) {
            throw new Failures.Permanent("the pipeline's source is not of kind s3");
        }
        JsonNode prefix = source.get("prefix");
        if (prefix == null || !prefix.isTextual()) {
            throw refused("is missing");
        }
        return prefix.asText();
    }

    static String configuredPattern(JsonNode config) {
        JsonNode pattern = field(config, "filenamePattern");
        return pattern != null && pattern.isTextual() ? pattern.asText() : DEFAULT_FILENAME_PATTERN;
    }

    private static JsonNode field(JsonNode config, String name) {
        if (config == null) {
            return null;
        }
        JsonNode value = config.get(name);
        if (value == null && config.get("params") != null) {
            value = config.get("params").get(name);
        }
        return value;
    }

    private static Failures.Permanent refused(String why) {
        return new Failures.Permanent("the S3 source's prefix " + why
                + ": it must be a relative folder of the organization's prefix, without '..' segments");
    }
}
