package io.clp.platform.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** The RFC 9457 problem document every CLP API returns on error ({@code application/problem+json}). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ProblemDetail(String type, String title, int status, String detail, String instance,
                            String requestId, List<FieldError> errors) {
}
