package io.clp.dsp;

import java.time.Duration;

/**
 * Why a DSP call failed, typed so callers can tell a transient failure (retry later, keep the checkpoint) from a
 * permanent one (tell the user). Messages never contain credentials or tokens.
 */
public abstract sealed class DspException extends RuntimeException {

    protected DspException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether the same call may succeed later without anyone changing anything. */
    public abstract boolean isTransient();

    /**
     * Credentials missing, wrong, revoked, or a token that a refresh could not renew: permanent. One exception:
     * {@linkplain DspCredentials#delegated delegated} access that expired or that the DSP no longer accepts
     * ({@link #delegationExpired()}), which is transient: a later attempt with newly delegated access may succeed.
     */
    public static final class InvalidCredentials extends DspException {
        private final boolean delegationExpired;

        public InvalidCredentials(String message) {
            this(message, false);
        }

        private InvalidCredentials(String message, boolean delegationExpired) {
            super(message, null);
            this.delegationExpired = delegationExpired;
        }

        /** Delegated access expired or was refused: renew the delegation and try again. */
        public static InvalidCredentials ofExpiredDelegation(String message) {
            return new InvalidCredentials(message + "; a later attempt with newly delegated access may succeed", true);
        }

        /** Whether delegated access expired (or the DSP refused it): a new delegation may succeed. */
        public boolean delegationExpired() {
            return delegationExpired;
        }

        @Override
        public boolean isTransient() {
            return delegationExpired;
        }
    }

    /** The DSP kept throttling after every retry, or the account's rate limiter had no permit in time. Transient. */
    public static final class RateLimited extends DspException {
        private final Duration retryAfter;

        public RateLimited(String message, Duration retryAfter) {
            super(message, null);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }

        @Override
        public boolean isTransient() {
            return true;
        }
    }

    /** 5xx, timeouts, refused connections after every retry. Transient. */
    public static final class Unavailable extends DspException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public boolean isTransient() {
            return true;
        }
    }

    /** The DSP refused the request (400, 404, no access to the account, a malformed or truncated answer). Permanent. */
    public static final class Rejected extends DspException {
        private final int status;

        public Rejected(int status, String message) {
            super(message, null);
            this.status = status;
        }

        public int status() {
            return status;
        }

        @Override
        public boolean isTransient() {
            return false;
        }
    }

    /** A report job the DSP ran and reported as failed. Transient: a new job may succeed. */
    public static final class ReportFailed extends DspException {
        public ReportFailed(String message) {
            super(message, null);
        }

        @Override
        public boolean isTransient() {
            return true;
        }
    }
}
