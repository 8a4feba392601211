package io.clp.platform.problem;

/** One invalid field of a request: its JSON path (for example {@code slug} or {@code settings.locale}) and why. */
public record FieldError(String field, String message) {
}
