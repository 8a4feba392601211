package io.clp.identity.organization;

import io.clp.tenancy.organization.OrganizationStatus;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The body of {@code PUT /api/v1/operator/organizations/{id}/status}: the new status and why. */
public record ChangeStatus(
        @NotNull @Pattern(regexp = "trial|active|suspended", message = "must be one of trial, active, suspended") String status,
        @Size(max = 500) String reason) {

    /** The status asked for (the pattern admits only labels an operator may set). */
    OrganizationStatus target() {
        return OrganizationStatus.parse(status).orElseThrow();
    }
}
