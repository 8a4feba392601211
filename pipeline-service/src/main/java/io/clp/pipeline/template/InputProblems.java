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

    public static ProblemException unprocessable(List<FieldError> errors) {
        return new ProblemException(422, "unprocessable", "The request cannot be applied", "one or more fields break a rule", errors);
    }

    public static ProblemException unprocessable(String field, String message) {
        return unprocessable(List.of(new FieldError(field, message)));
    }
}
