package io.clp.identity.organization;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Null;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.math.BigDecimal;
import java.util.Map;

/**
 * The body of {@code PATCH /api/v1/organizations/{id}}: only the fields present change. The slug is
 * immutable and the plan is the operators' to change; sending either is a validation error.
 */
public record UpdateOrganization(
        @Size(min = 1, max = 255) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String name,
        @Null(message = "is immutable") String slug,
        @Size(max = 255) String domain,
        @Null(message = CreateOrganization.PLAN_REFUSED) @Schema(hidden = true) String plan,
        @DecimalMin("0.00") @Digits(integer = 13, fraction = 2) BigDecimal monthlyBudget,
        @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as USD") String currency,
        @Size(max = 100) String industry,
        @Size(max = 50) String companySize,
        Map<String, Object> settings) {
}
