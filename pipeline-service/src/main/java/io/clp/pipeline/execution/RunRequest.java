package io.clp.pipeline.execution;

import java.time.LocalDate;

/** Run a pipeline now; {@code from} and {@code to} (inclusive, both or neither) override the window it reads. */
public record RunRequest(LocalDate from, LocalDate to) {
}
