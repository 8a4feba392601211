package io.clp.pipeline.quality;

import java.math.BigDecimal;

/**
 * The checks' verdict: whether a blocking check failed (gold does not run; the execution fails naming
 * {@code blockingCheck}), the execution's data-quality score (0..100, share of checked rows that passed, weighted as
 * docs/pipelines.md says) and whether any check failed at all ({@code has_data_issues} in campaign_metrics).
 */
public record QualityOutcome(boolean blocked, String blockingCheck, BigDecimal score, boolean hasIssues) {
}
