package io.clp.pipeline.source;

import java.io.IOException;

/**
 * The bucket could not be read now, for a reason that may pass: the server refused the connection or timed out,
 * answered 5xx or asked to slow down (429, {@code SlowDown}), or the object changed between listing and reading. An
 * {@link IOException}, so the platform's failure rules ({@code io.clp.platform.messaging.Failures}) treat it as
 * transient: the execution is retried within its pipeline's retry policy. Permanent failures (access denied, no such
 * bucket or object, a refused prefix) are {@code Failures.Permanent}.
 */
public final class S3Unavailable extends IOException {

    public S3Unavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
