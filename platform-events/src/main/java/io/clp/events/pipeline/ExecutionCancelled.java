package io.clp.events.pipeline;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** A running execution stopped because a user cancelled it; {@code stage} is the stage it stopped in. */
public record ExecutionCancelled(
        UUID executionId,
        UUID organizationId,
        UUID pipelineId,
        String executionType,
        LocalDate dataFrom,
        LocalDate dataTo,
        Integer attempt,
        String stage,
        Instant cancelledAt) implements ExecutionEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.PIPELINE_EXECUTION, "cancelled", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
