package io.clp.pipeline.quality;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One check's measure, as stored in {@code data_quality_metrics}: {@code family} is the metric_type, {@code name} the
 * metric_name (the check's key in {@code config.quality}); {@code failed} is whether the failing share exceeded the
 * check's tolerance, {@code samples} a JSON array of at most ten failures.
 */
record CheckResult(String family, String name, long checkCount, long failCount, QualityConfig.Severity severity,
                   boolean failed, ObjectNode details, String samples) {

    long passCount() {
        return Math.max(0, checkCount - failCount);
    }

    boolean blocks() {
        return failed && severity == QualityConfig.Severity.BLOCK;
    }
}
