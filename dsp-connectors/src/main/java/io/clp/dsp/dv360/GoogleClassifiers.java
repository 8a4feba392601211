package io.clp.dsp.dv360;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.dsp.DspException;
import io.clp.dsp.http.Outcome;
import io.clp.dsp.http.ResponseClassifier;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * How DV360 and Bid Manager signal throttling and failure, read into {@link Outcome}s.
 * <ul>
 *   <li>DV360: 429 {@code RESOURCE_EXHAUSTED}, the wait in a {@code google.rpc.RetryInfo} detail's
 *   {@code retryDelay} ("5s", "0.5s"), a Retry-After header if one is ever sent.</li>
 *   <li>Bid Manager: 403 with {@code error.errors[].reason} {@code userRateLimitExceeded} / {@code rateLimitExceeded}
 *   / {@code quotaExceeded} is throttling (retried with backoff); {@code dailyLimitExceeded} is a quota that only
 *   resets at midnight Pacific, so it fails at once as {@link DspException.RateLimited} with the wait until then
 *   rather than holding a thread for hours; any other 403 is a refusal.</li>
 *   <li>Both: 401 an expired token; 5xx and 408 unavailable; a 2xx whose JSON body is cut short (the connection
 *   dropped mid-page) unavailable too, so the same idempotent GET is retried.</li>
 * </ul>
 */
final class GoogleClassifiers {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");

    private GoogleClassifiers() {
    }

    static ResponseClassifier dv360() {
        return response -> classify(response, false, Clock.systemUTC());
    }

    static ResponseClassifier bidManager() {
        return response -> classify(response, true, Clock.systemUTC());
    }

    static Outcome classify(HttpResponse<String> response, boolean bidManager, Clock clock) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return ResponseClassifier.completeJson(response.body()) ? Outcome.OK
                    : new Outcome.Unavailable("HTTP " + status + " with an incomplete JSON body");
        }
        JsonNode error = error(response.body());
        // Google's error.message is left out: it can echo request parameters or page tokens
        String what = "HTTP " + status + " " + ResponseClassifier.enumValue(error.path("status").asText(""));
        if (status == 429) {
            Duration wait = retryDelay(error);
            return new Outcome.Throttled(wait != null ? wait : ResponseClassifier.retryAfter(response), what);
        }
        if (status == 403 && bidManager) {
            for (JsonNode e : error.path("errors")) {
                String reason = e.path("reason").asText("");
                if (reason.equals("dailyLimitExceeded")) {
                    ZonedDateTime now = ZonedDateTime.now(clock.withZone(PACIFIC));
                    Duration untilReset = Duration.between(now, now.plusDays(1).truncatedTo(ChronoUnit.DAYS));
                    throw new DspException.RateLimited("Bid Manager's daily request quota is used up", untilReset);
                }
                if (reason.equals("userRateLimitExceeded") || reason.equals("rateLimitExceeded")
                        || reason.equals("quotaExceeded")) {
                    return new Outcome.Throttled(retryDelay(error), what + " (" + reason + ")");
                }
            }
        }
        if (status == 401) {
            return Outcome.EXPIRED_TOKEN;
        }
        if (status >= 500 || status == 408) {
            return new Outcome.Unavailable(what);
        }
        return new Outcome.Rejected(what);
    }

    private static JsonNode error(String body) {
        try {
            return JSON.readTree(body == null ? "" : body).path("error");
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    /** {@code google.rpc.RetryInfo.retryDelay}, a protobuf Duration in JSON form: decimal seconds with an "s". */
    static Duration retryDelay(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            if (detail.path("@type").asText("").endsWith("google.rpc.RetryInfo")) {
                JsonNode delay = detail.path("retryDelay");
                if (delay.isTextual() && delay.asText().endsWith("s")) {
                    try {
                        double seconds = Double.parseDouble(delay.asText().substring(0, delay.asText().length() - 1));
                        return Duration.ofMillis(Math.round(seconds * 1000));
                    } catch (NumberFormatException ignored) {
                        return null;
                    }
                }
                if (delay.isObject()) {
                    return Duration.ofSeconds(delay.path("seconds").asLong(0), delay.path("nanos").asLong(0));
                }
            }
        }
        return null;
    }
}
