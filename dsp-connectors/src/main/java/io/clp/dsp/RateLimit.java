package io.clp.dsp;

import java.time.Duration;

/**
 * How fast CLP may call a DSP for one account (the account's {@code rate_limit_config}): at most
 * {@code requestsPerSecond} calls a second, waiting up to {@code maxWait} for a permit before failing with a
 * transient {@link DspException.RateLimited}; on a throttle signal, at most {@code maxRetries} retries with
 * exponential backoff from {@code initialBackoff}, never earlier than the DSP's Retry-After.
 */
public record RateLimit(double requestsPerSecond, Duration maxWait, int maxRetries, Duration initialBackoff, Duration maxBackoff) {

    public static final RateLimit DEFAULT = new RateLimit(20, Duration.ofSeconds(60), 6, Duration.ofMillis(500), Duration.ofSeconds(60));

    public RateLimit {
        if (!(requestsPerSecond > 0)) {
            throw new IllegalArgumentException("requestsPerSecond must be positive");
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative");
        }
    }
}
