package io.clp.identity.organization;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The body of {@code PUT /api/v1/operator/organizations/{id}/status}: the new status and why. */
public record ChangeStatus(
        @NotNull @Pattern(regexp = "trial|active|suspended", message = "must be one of trial, active, suspended") String status,
        @Size(max = 500) String reason) {
}
