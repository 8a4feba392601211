package io.clp.pipeline.execution;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An execution as stored: its type, status, window, per-stage progress (as the executor records it), totals and error.
 * {@code config} is the pipeline's configuration as it was when the execution was created. {@code attempt} is the attempt
 * in the current retry budget (1 first); {@code notBefore}, for a pending execution waiting out its retry backoff, when
 * it may run again; {@code progress}, while it runs, the stage running and the rows done in it (written about once a
 * second at most).
 */
public record ExecutionView(UUID id, UUID pipelineId, String executionType, String status, OffsetDateTime scheduledAt,
                            LocalDate dataFrom, LocalDate dataTo, Stages stages, long totalRecordsProcessed,
                            long totalRecordsFailed, Integer totalDurationMs, int retryCount, String errorMessage,
                            JsonNode errorDetails, JsonNode config, OffsetDateTime createdAt, OffsetDateTime startedAt,
                            OffsetDateTime completedAt, OffsetDateTime cancelRequestedAt, int attempt,
                            OffsetDateTime notBefore, Progress progress) {

    public record Progress(String stage, Long rows, OffsetDateTime updatedAt) {
    }

    /** Whether the execution has ended (completed, failed, cancelled): it changes no more unless a user retries it. */
    @JsonIgnore
    public boolean ended() {
        return "completed".equals(status) || "failed".equals(status) || "cancelled".equals(status);
    }

    public record Stages(Bronze bronze, Silver silver, Gold gold) {
    }

    public record Bronze(String status, Long records, Long sizeBytes, Integer durationMs) {
    }

    public record Silver(String status, Long records, Long recordsFiltered, Integer durationMs) {
    }

    public record Gold(String status, Long records, JsonNode tablesUpdated, Integer durationMs) {
    }

    /** The select list that renders an execution row {@code e} as this view's JSON text. */
    static final String JSON = """
            jsonb_build_object(
                'id', e.id, 'pipelineId', e.pipeline_id, 'executionType', e.execution_type, 'status', e.status,
                'scheduledAt', e.scheduled_at, 'dataFrom', e.data_from, 'dataTo', e.data_to,
                'stages', jsonb_build_object(
                    'bronze', jsonb_build_object('status', e.bronze_status, 'records', e.bronze_records,
                                                 'sizeBytes', e.bronze_size_bytes, 'durationMs', e.bronze_duration_ms),
                    'silver', jsonb_build_object('status', e.silver_status, 'records', e.silver_records,
                                                 'recordsFiltered', e.silver_records_filtered, 'durationMs', e.silver_duration_ms),
                    'gold', jsonb_build_object('status', e.gold_status, 'records', e.gold_records,
                                               'tablesUpdated', e.gold_tables_updated,
                                               'durationMs', e.gold_duration_ms)),
                'totalRecordsProcessed', e.total_records_processed, 'totalRecordsFailed', e.total_records_failed,
                'totalDurationMs', e.total_duration_ms, 'retryCount', e.retry_count, 'errorMessage', e.error_message,
                'errorDetails', e.error_details, 'config', e.config, 'createdAt', e.created_at,
                'startedAt', e.started_at, 'completedAt', e.completed_at,
                'cancelRequestedAt', e.cancel_requested_at, 'attempt', e.attempt, 'notBefore', e.not_before,
                'progress', CASE WHEN e.progress_stage IS NULL THEN NULL
                                 ELSE jsonb_build_object('stage', e.progress_stage, 'rows', e.progress_rows,
                                                         'updatedAt', e.progress_at) END)::text
            """;
}
