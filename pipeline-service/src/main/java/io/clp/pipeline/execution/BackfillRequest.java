package io.clp.pipeline.execution;

import java.time.LocalDate;

/** Re-read the days {@code from} to {@code to}, inclusive, one execution per day. */
public record BackfillRequest(LocalDate from, LocalDate to) {
}
