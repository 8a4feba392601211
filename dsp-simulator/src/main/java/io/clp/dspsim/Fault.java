package io.clp.dspsim;

/**
 * A misbehaviour the simulator plays on an account's next matching calls.
 *
 * @param type              what happens (see {@link Type})
 * @param remaining         on how many calls (then the fault is spent)
 * @param retryAfterSeconds for THROTTLE: the wait the DSP asks for
 * @param delayMillis       for TIMEOUT: how long the call hangs before answering
 */
public record Fault(Type type, int remaining, int retryAfterSeconds, long delayMillis) {

    public enum Type {
        /** The DSP's throttle signal (429 + Retry-After, retryDelay, Meta error code 17, Bid Manager 403 quota). */
        THROTTLE,
        /** HTTP 500/503. */
        SERVER_ERROR,
        /** No answer for {@code delayMillis}, then a 504. */
        TIMEOUT,
        /** A listing page cut short: a body that is not complete JSON. */
        TRUNCATED_PAGE,
        /** The access tokens issued so far stop working (401 with the DSP's expired-token body). */
        EXPIRED_TOKEN,
        /** Report jobs end in the DSP's failed state. */
        FAILED_REPORT
    }

    /** Holds the call for {@code delayMillis}: how a TIMEOUT leaves a call unanswered until the client gives up. */
    public void hang() {
        try {
            Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Fault spend() {
        return new Fault(type, remaining - 1, retryAfterSeconds, delayMillis);
    }
}
