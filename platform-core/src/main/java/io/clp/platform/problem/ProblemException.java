package io.clp.platform.problem;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A domain failure that maps to one problem document. {@code type} is the stable slug that ends the
 * problem type URI ({@link Problems#TYPE_PREFIX}); clients switch on it, never on the title.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final List<FieldError> errors;
    private final Duration retryAfter;

    public ProblemException(int status, String type, String title, String detail, List<FieldError> errors) {
        this(status, type, title, detail, errors, null);
    }

    /** @param retryAfter when the client may try again (sent as {@code Retry-After}), or null */
    public ProblemException(int status, String type, String title, String detail, List<FieldError> errors, Duration retryAfter) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public List<FieldError> errors() {
        return errors;
    }
}
