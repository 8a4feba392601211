package io.clp.events.pipeline;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** An execution ran bronze, silver and gold to their end. */
public record ExecutionCompleted(
        UUID executionId,
        UUID organizationId,
        UUID pipelineId,
        String executionType,
        LocalDate dataFrom,
        LocalDate dataTo,
        Integer attempt,
        Long recordsProcessed,
        Long recordsFailed,
        Long durationMs,
        Instant startedAt,
        Instant completedAt) implements ExecutionEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.PIPELINE_EXECUTION, "completed", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
