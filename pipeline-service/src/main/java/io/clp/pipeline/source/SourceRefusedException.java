package io.clp.pipeline.source;

import java.io.IOException;

/**
 * A source refuses what a pipeline asks of it for good (a path leading outside the organization's own directory or
 * prefix): retrying changes nothing, so the execution fails at once with this message.
 */
public class SourceRefusedException extends IOException {

    public SourceRefusedException(String message) {
        super(message);
    }
}
