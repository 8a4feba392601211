package io.clp.pipeline.execution;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * What a backfill created: one pending execution per day that had none pending or running ({@code created} of
 * {@code days}), and how many of the pipeline's backfill executions the executor runs at a time.
 */
public record BackfillView(UUID pipelineId, LocalDate from, LocalDate to, int days, int created, List<UUID> executionIds,
                           int backfillConcurrency) {
}
