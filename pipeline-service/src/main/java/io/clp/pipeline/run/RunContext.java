package io.clp.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.LocalDate;
import java.util.UUID;

/**
 * One execution as its stages see it: ids, the config snapshot taken when the execution was made, the window (days,
 * inclusive), which attempt this is (1 first), and the executor's hooks: {@link Progress} for live progress and
 * {@link #checkpoint()} that a stage calls between chunks; it throws {@link ExecutionStopped} when the execution was
 * cancelled or its lease lost, so the stage stops without committing more.
 *
 * <p>A checkpoint between chunks is not enough on its own to keep a second executor out: the lease may expire between
 * the checkpoint and the commit. A stage that commits on its own connection runs {@link #HOLD_LEASE} (parameters: the
 * execution id, {@link #leaseOwner()}) in the transaction that commits, before it commits; no row means the lease is
 * gone and the stage throws {@link ExecutionStopped} and rolls back. The row lock it takes keeps the reaper (which skips
 * locked rows) from taking the execution away until the commit. {@code leaseOwner} is null for a context made without
 * an executor (tests of a stage alone); then there is no lease to hold.
 */
public record RunContext(
        UUID organizationId,
        UUID pipelineId,
        UUID executionId,
        UUID dspAccountId,
        JsonNode config,
        LocalDate from,
        LocalDate to,
        int attempt,
        Progress progress,
        Checkpoint checkpoints,
        String leaseOwner) {

    /**
     * Locks the execution's row while its lease is held by {@code leaseOwner} ({@code ?} 1: execution id, 2: lease
     * owner); no row: the lease is lost. Run it in the stage's committing transaction, in the system scope. The lease
     * is compared with the clock, not with {@code now()}: that is when the stage's transaction began, maybe longer
     * ago than the lease lasts.
     */
    public static final String HOLD_LEASE = """
            SELECT 1 FROM etl_executions
            WHERE id = CAST(? AS uuid) AND lease_owner = ? AND lease_until > clock_timestamp() AND status = 'running'
            FOR NO KEY UPDATE
            """;

    /** A context without a lease (a stage tested on its own). */
    public RunContext(UUID organizationId, UUID pipelineId, UUID executionId, UUID dspAccountId, JsonNode config,
                      LocalDate from, LocalDate to, int attempt, Progress progress, Checkpoint checkpoints) {
        this(organizationId, pipelineId, executionId, dspAccountId, config, from, to, attempt, progress, checkpoints, null);
    }

    /** Live progress: the stage running and rows done so far in it. Cheap; the executor throttles writes. */
    public interface Progress {
        void rowsDone(String stage, long rows);
    }

    public interface Checkpoint {
        void check() throws ExecutionStopped;

        /**
         * Runs {@code wait}, a call that waits on something outside the database (a DSP report being run), so that a
         * cancellation or a lost lease interrupts it rather than being seen at the first checkpoint after it. Without
         * an executor (a stage tested on its own) it checks, then runs the call as it is.
         */
        default <T> T interruptibly(Wait<T> wait) throws Exception {
            check();
            return wait.call();
        }
    }

    /** A wait on something outside the database; it ends early, with whatever it throws, when interrupted. */
    @FunctionalInterface
    public interface Wait<T> {
        T call() throws Exception;
    }

    public void checkpoint() throws ExecutionStopped {
        checkpoints.check();
    }

    /**
     * Runs {@code wait} (see {@link Checkpoint#interruptibly}): a cancellation or a lost lease while it waits interrupts
     * it, and this throws {@link ExecutionStopped} instead of whatever the interrupted call threw.
     */
    public <T> T interruptibly(Wait<T> wait) throws Exception {
        return checkpoints.interruptibly(wait);
    }

    /** The execution was cancelled or its lease lost: the stage stops at once and commits nothing more. */
    public static final class ExecutionStopped extends Exception {
        public ExecutionStopped(String reason) {
            super(reason);
        }
    }
}
