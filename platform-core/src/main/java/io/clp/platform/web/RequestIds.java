package io.clp.platform.web;

import jakarta.enterprise.context.RequestScoped;

import java.util.UUID;
import java.util.regex.Pattern;

/** The id of the current request: the caller's {@code X-Request-Id} when well-formed, else a new one. */
@RequestScoped
public class RequestIds {

    public static final String HEADER = "X-Request-Id";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private String current;

    public String current() {
        if (current == null) {
            current = UUID.randomUUID().toString();
        }
        return current;
    }

    void accept(String fromHeader) {
        if (fromHeader != null && ACCEPTED.matcher(fromHeader).matches()) {
            current = fromHeader;
        }
    }

    /** The id for a request answered outside the REST layer (no request scope): the caller's when well-formed. */
    static String acceptedOrNew(String fromHeader) {
        return fromHeader != null && ACCEPTED.matcher(fromHeader).matches() ? fromHeader : UUID.randomUUID().toString();
    }
}
