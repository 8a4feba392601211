package io.clp.dsp.http;

import java.time.Instant;

/** A short-lived token a DSP issued for an account. {@link #toString()} hides the value. */
public record AccessToken(String value, Instant expiresAt) {

    /** Whether the token is still good for {@code margin} more seconds (a call in flight should not outlive it). */
    public boolean validFor(long marginSeconds, Instant now) {
        return expiresAt == null || now.plusSeconds(marginSeconds).isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "AccessToken[expiresAt=" + expiresAt + "]";
    }
}
