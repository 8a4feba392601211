package io.clp.events.pipeline;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * An execution failed for good: a permanent failure, a blocking data-quality check ({@code blockingCheck} names it),
 * or a transient failure that lasted through every attempt ({@code reason} says which).
 */
public record ExecutionFailed(
        UUID executionId,
        UUID organizationId,
        UUID pipelineId,
        String executionType,
        LocalDate dataFrom,
        LocalDate dataTo,
        Integer attempt,
        String stage,
        String reason,
        String error,
        String blockingCheck,
        Instant failedAt) implements ExecutionEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.PIPELINE_EXECUTION, "failed", 1);

    /** Why: a permanent failure, a blocking data-quality check, the attempts used up, or the executor's lease lost for good. */
    public static final String PERMANENT = "permanent";
    public static final String BLOCKED = "data-quality-blocked";
    public static final String ATTEMPTS_EXHAUSTED = "attempts-exhausted";

    @Override
    public String eventType() {
        return TYPE;
    }
}
