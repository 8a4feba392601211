package io.clp.dsp.http;

import java.time.Duration;

/** What a DSP's answer means for the caller; each connector reads its DSP's throttle and error signals into one. */
public sealed interface Outcome {

    Outcome OK = new Ok();
    Outcome EXPIRED_TOKEN = new ExpiredToken();

    record Ok() implements Outcome {
    }

    /** Throttled; {@code retryAfter} is the DSP's own wait (Retry-After, retryDelay, Meta's usage header) or null. */
    record Throttled(Duration retryAfter, String reason) implements Outcome {
    }

    /** 5xx or a similar failure of the DSP: retry with backoff. */
    record Unavailable(String reason) implements Outcome {
    }

    /** The access token expired or was revoked: refresh it once. */
    record ExpiredToken() implements Outcome {
    }

    /** The DSP refused the request for good. */
    record Rejected(String reason) implements Outcome {
    }
}
