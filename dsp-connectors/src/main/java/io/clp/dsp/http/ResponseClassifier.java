package io.clp.dsp.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalLong;

/** Reads one DSP's answer into an {@link Outcome}. {@link #standard()} covers HTTP semantics most DSPs share. */
@FunctionalInterface
public interface ResponseClassifier {

    Outcome classify(HttpResponse<String> response);

    /** 2xx ok; 429 throttled (Retry-After in seconds); 5xx and 408 unavailable; 401 expired token; else rejected. */
    static ResponseClassifier standard() {
        return ResponseClassifier::standardOutcome;
    }

    static Outcome standardOutcome(HttpResponse<String> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return Outcome.OK;
        }
        if (status == 429) {
            return new Outcome.Throttled(retryAfter(response), "HTTP 429");
        }
        if (status >= 500 || status == 408) {
            return new Outcome.Unavailable("HTTP " + status);
        }
        if (status == 401) {
            return Outcome.EXPIRED_TOKEN;
        }
        return new Outcome.Rejected("HTTP " + status);
    }

    /** The Retry-After header as a duration (seconds form; an HTTP date is ignored), or null. */
    static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(String::trim).flatMap(v -> {
            try {
                return java.util.Optional.of(Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000)));
            } catch (NumberFormatException e) {
                return java.util.Optional.empty();
            }
        }).orElse(null);
    }

    /**
     * Whether a 2xx body is whole: a page cut short on the wire parses as no JSON at all, and must be read again
     * rather than taken as a shorter page (entities would be lost). An empty body counts as whole.
     */
    static boolean completeJson(String body) {
        if (body == null || body.isBlank()) {
            return true;
        }
        try (JsonParser parser = JSON_FACTORY.createParser(body)) {
            while (parser.nextToken() != null) {
                // reading every token is enough: a cut answer ends in an unexpected end of input
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Shared, thread-safe parser factory for {@link #completeJson}. */
    JsonFactory JSON_FACTORY = new JsonFactory();

    static OptionalLong longHeader(HttpResponse<?> response, String name) {
        return response.headers().firstValueAsLong(name);
    }

    /**
     * A DSP's enum-like value (a status, reason or error code name) when it looks like one, else "?": messages we
     * build carry only such bounded values, never a DSP's free text, which can echo request parameters or tokens.
     */
    public static String enumValue(String value) {
        return value != null && value.matches("[A-Za-z0-9_.]{1,64}") ? value : "?";
    }
}
