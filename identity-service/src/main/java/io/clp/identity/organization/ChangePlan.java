package io.clp.identity.organization;

import io.clp.identity.model.Plan;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** The body of {@code PUT /api/v1/operator/organizations/{id}/plan}: the new plan and why. */
public record ChangePlan(@NotNull Plan plan, @Size(max = 500) String reason) {
}
