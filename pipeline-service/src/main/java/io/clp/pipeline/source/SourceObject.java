package io.clp.pipeline.source;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One file, bucket object or report of a source. {@code name} is what the ingestion log shows (a path relative to the
 * organization's root, an object key below its prefix, a report id), never an absolute server path. {@code version}
 * tells one delivery of the same name from the next (an ETag, a content hash or a modification time). {@code day} is
 * the day the object holds when its name says so (daily files), otherwise null.
 */
public record SourceObject(String name, long sizeBytes, Instant modifiedAt, String version, LocalDate day) {
}
