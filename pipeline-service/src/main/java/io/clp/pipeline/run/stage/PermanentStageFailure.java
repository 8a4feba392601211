package io.clp.pipeline.run.stage;

import io.clp.pipeline.run.StageFailure;

/**
 * A stage cannot succeed however often it is retried (a file of another format, a path leading out of the
 * organization's directory, no entity resolver in this build): the execution fails at once with this message.
 */
public class PermanentStageFailure extends StageFailure {

    public PermanentStageFailure(String message) {
        super(message, false, null);
    }

    public PermanentStageFailure(String message, Throwable cause) {
        super(message, false, cause);
    }
}
