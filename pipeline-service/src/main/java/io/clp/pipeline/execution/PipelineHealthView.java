package io.clp.pipeline.execution;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A pipeline's health as the {@code pipeline_health} view computes it; {@code successRate} is a percentage, null before any execution. */
public record PipelineHealthView(UUID pipelineId, String name, String status, String statusReason, OffsetDateTime lastRunAt,
                                 String lastRunStatus, OffsetDateTime nextRunAt, int totalExecutions, int successfulExecutions,
                                 int failedExecutions, BigDecimal successRate, String dspType, String dspAccountName,
                                 OffsetDateTime createdAt) {

    /** Renders a {@code pipeline_health} row {@code h} joined to its pipeline {@code p}. */
    static final String JSON = """
            jsonb_build_object('pipelineId', h.pipeline_id, 'name', h.name, 'status', h.status,
                'statusReason', p.status_reason, 'lastRunAt', h.last_run_at, 'lastRunStatus', h.last_run_status,
                'nextRunAt', h.next_run_at, 'totalExecutions', h.total_executions,
                'successfulExecutions', h.successful_executions, 'failedExecutions', h.failed_executions,
                'successRate', h.success_rate, 'dspType', h.dsp_type, 'dspAccountName', h.dsp_account_name,
                'createdAt', p.created_at)::text
            """;
}
