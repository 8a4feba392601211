package io.clp.events.pipeline;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.LocalDate;
import java.util.UUID;

/**
 * How a pipeline execution ended. Topic {@code clp.events.pipeline-execution}, keyed by the execution's id; one event
 * per end (an execution retried by a user after it failed may end again, with a later event). Payloads carry ids,
 * counts and the executor's own error text (never credentials, tokens or source data). See docs/pipelines.md,
 * "Running executions".
 */
public sealed interface ExecutionEvent extends DomainEvent permits ExecutionCompleted, ExecutionFailed, ExecutionCancelled {

    UUID executionId();

    UUID organizationId();

    UUID pipelineId();

    /** scheduled, manual or backfill. */
    String executionType();

    /** The first day the execution read (the pipeline's time zone). */
    LocalDate dataFrom();

    /** The last day the execution read, inclusive. */
    LocalDate dataTo();

    @Override
    default String aggregateType() {
        return AggregateTypes.PIPELINE_EXECUTION;
    }

    @Override
    default UUID aggregateId() {
        return executionId();
    }

    @Override
    default UUID orgId() {
        return organizationId();
    }

    @Override
    default String subject() {
        return "pipelines/" + pipelineId() + "/executions/" + executionId();
    }
}
