package io.clp.pipeline.template;

import io.clp.platform.problem.FieldError;
import io.clp.platform.problem.ProblemException;

import java.util.List;

/**
 * The problem of a well-formed request whose content breaks a rule that needs more than its shape to check: an input
 * schema that is not a usable JSON Schema, parameters the template's schema refuses, a schedule that cannot run, a DSP
 * account the organization cannot use. 422 {@code urn:clp:problem:unprocessable}, with field errors (docs/problems.md).
 */
public final class InputProblems {

    private InputProblems() {
    }

    /** At most this many field errors are returned; the first ones, in the order they were found. */
    public static final int MAX_ERRORS = 50;

    public static ProblemException unprocessable(List<FieldError> errors) {
        errors = errors.size() > MAX_ERRORS ? List.copyOf(errors.subList(0, MAX_ERRORS)) : errors;
        return new ProblemException(422, "unprocessable", "The request cannot be applied", "one or more fields break a rule", errors);
    }

    public static ProblemException unprocessable(String field, String message) {
        return unprocessable(List.of(new FieldError(field, message)));
    }
}
