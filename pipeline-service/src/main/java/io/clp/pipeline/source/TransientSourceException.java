package io.clp.pipeline.source;

import java.io.IOException;
import java.time.Duration;

/**
 * A source failed in a way a later attempt may get past without anyone changing anything: the DSP is throttling, down
 * or timing out, a report job failed at the DSP, delegated access expired before the report was read. The executor
 * keeps the execution and tries again later (no sooner than {@link #retryAfter()} when the source knows one, at most
 * an hour). {@link PermanentSourceException} and {@link SourceRefusedException} fail the execution; any other
 * {@link IOException} of a source (a connection dropped mid-read) is tried again too, after the pipeline's backoff.
 * Messages never carry credentials.
 */
public class TransientSourceException extends IOException {

    private final Duration retryAfter;

    public TransientSourceException(String message, Throwable cause, Duration retryAfter) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    /** The wait the other side asked for, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
