package io.clp.pipeline.run;

/**
 * The data path of an execution, one method per stage, called in order by the executor on a worker thread. Each
 * stage is re-runnable: an execution resumed after a crash or a failure starts again at the first stage not
 * completed, and a stage run twice leaves the same result (staging tables are rebuilt; gold is an upsert; its
 * metrics batches keep their ids).
 */
public interface Stages {

    /** Source to bronze: the objects as received, with their size. */
    StageResult bronze(RunContext context) throws Exception;

    /** Bronze to silver: typed, validated, de-duplicated, entities resolved, rejects kept with reasons; then the checks. */
    StageResult silver(RunContext context) throws Exception;

    /** Silver to gold: daily metrics per entity and level, committed with their metrics batches (outbox). */
    StageResult gold(RunContext context) throws Exception;

    /** Drops the execution's staging tables (after completion or cancellation). */
    void cleanUp(RunContext context);
}
