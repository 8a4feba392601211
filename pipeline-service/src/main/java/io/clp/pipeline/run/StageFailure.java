package io.clp.pipeline.run;

/**
 * A stage's failure that says itself whether it may pass: {@code transient} (a source or the database down, a timeout)
 * is retried with the pipeline's retry configuration; otherwise (a bad payload, a file that cannot be read) the
 * execution fails at once. Stages may throw anything else too; the executor then decides (see
 * {@link ExecutionFailures}). The message goes into the execution's error and its failed event: never put credentials,
 * tokens or source data in it.
 */
public class StageFailure extends RuntimeException {

    private final boolean transientFailure;

    public StageFailure(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public static StageFailure permanent(String message) {
        return new StageFailure(message, false, null);
    }

    public static StageFailure transientFailure(String message, Throwable cause) {
        return new StageFailure(message, true, cause);
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
