package io.clp.platform.problem;

import java.time.Duration;
import java.util.List;

/** The catalogue of problem types (documented in docs/problems.md). */
public final class Problems {

    public static final String TYPE_PREFIX = "urn:clp:problem:";
    public static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    public static ProblemException validation(List<FieldError> errors) {
        return new ProblemException(400, "validation", "The request is not valid",
                "one or more fields are invalid", errors);
    }

    public static ProblemException validation(String field, String message) {
        return validation(List.of(new FieldError(field, message)));
    }

    public static ProblemException malformed(String detail) {
        return new ProblemException(400, "malformed-request", "The request body cannot be read", detail, null);
    }

    public static ProblemException unauthorized() {
        return new ProblemException(401, "unauthorized", "Authentication is required",
                "a valid bearer token is required", null);
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "unauthorized", "Authentication is required", detail, null);
    }

    public static ProblemException unavailable(String detail) {
        return new ProblemException(503, "unavailable", "Service unavailable", detail, null);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "forbidden", "Not allowed", detail, null);
    }

    public static ProblemException notFound(String resource, Object id) {
        return new ProblemException(404, "not-found", "Not found", "no " + resource + " " + id, null);
    }

    public static ProblemException conflict(String type, String detail) {
        return new ProblemException(409, type, "Conflict with the current state", detail, null);
    }

    public static ProblemException tooLarge(long limit) {
        return new ProblemException(413, "payload-too-large", "The request body is too large",
                "the body may be at most " + limit + " bytes", null);
    }

    /** 429: the caller holds as much of something as it may; {@code retryAfter} is sent as {@code Retry-After}. */
    public static ProblemException tooManyRequests(String type, String detail, Duration retryAfter) {
        return new ProblemException(429, type, "Too many requests", detail, null, retryAfter);
    }

    public static ProblemException unsupportedMediaType(String detail) {
        return new ProblemException(415, "unsupported-media-type", "Unsupported media type", detail, null);
    }
}
