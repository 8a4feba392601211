package io.clp.pipeline.run;

import java.util.Map;

/**
 * What a stage did: records out, bytes read (bronze), records filtered out (silver), and details for the execution's
 * {@code error_details} / {@code gold_tables_updated}. {@code blockedBy} names the blocking data-quality check that
 * stops the execution before gold (silver only; null otherwise).
 */
public record StageResult(long records, long bytes, long filtered, String blockedBy, Map<String, Object> details) {

    public static StageResult of(long records) {
        return new StageResult(records, 0, 0, null, Map.of());
    }
}
