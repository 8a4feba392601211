package io.clp.pipeline.pipeline;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A pipeline as the API shows it. */
public record PipelineView(UUID id, String name, String description, UUID templateId, String connectorType, UUID dspAccountId,
                           Map<String, Object> config, String scheduleType, String scheduleCron, Integer scheduleIntervalMinutes,
                           String scheduleTimezone, int lookbackDays, Retry retry, String status, String statusReason, Instant nextRunAt,
                           Instant lastRunAt, String lastRunStatus, int totalExecutions, int successfulExecutions,
                           int failedExecutions, UUID createdBy, Instant createdAt, Instant updatedAt) {

    static PipelineView of(Pipeline p) {
        return new PipelineView(p.id, p.name, p.description, p.templateId, p.connectorType, p.dspAccountId, p.config, p.scheduleType,
                p.scheduleCron, p.scheduleIntervalMinutes, p.scheduleTimezone, p.lookbackDays, Retry.of(p.retryConfig), p.status, p.statusReason,
                p.nextRunAt, p.lastRunAt, p.lastRunStatus, p.totalExecutions, p.successfulExecutions, p.failedExecutions,
                p.createdBy, p.createdAt, p.updatedAt);
    }
}
