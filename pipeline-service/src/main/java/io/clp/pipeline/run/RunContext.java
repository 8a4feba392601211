package io.clp.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.LocalDate;
import java.util.UUID;

/**
 * One execution as its stages see it: ids, the config snapshot taken when the execution was made, the window (days,
 * inclusive), which attempt this is (1 first), and the executor's hooks: {@link Progress} for live progress and
 * {@link #checkpoint()} that a stage calls between chunks; it throws {@link ExecutionStopped} when the execution was
 * cancelled or its lease lost, so the stage stops without committing more.
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
        Checkpoint checkpoints) {

    /** Live progress: the stage running and rows done so far in it. Cheap; the executor throttles writes. */
    public interface Progress {
        void rowsDone(String stage, long rows);
    }

    public interface Checkpoint {
        void check() throws ExecutionStopped;
    }

    public void checkpoint() throws ExecutionStopped {
        checkpoints.check();
    }

    /** The execution was cancelled or its lease lost: the stage stops at once and commits nothing more. */
    public static final class ExecutionStopped extends Exception {
        public ExecutionStopped(String reason) {
            super(reason);
        }
    }
}
