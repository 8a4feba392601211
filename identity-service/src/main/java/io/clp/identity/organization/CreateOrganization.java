package io.clp.identity.organization;

import io.clp.identity.model.Plan;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Null;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.math.BigDecimal;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/organizations}. A new organization starts on the default plan; a
 * {@code plan} in the body is refused by name (only operators choose plans, see {@link Plan}), so a
 * client learns why rather than getting a silently different plan.
 */
public record CreateOrganization(
        @NotBlank @Size(max = 255) String name,
        @NotBlank @Pattern(regexp = SLUG, message = SLUG_RULE) String slug,
        @Size(max = 255) String domain,
        @Null(message = PLAN_REFUSED) @Schema(hidden = true) String plan,
        @DecimalMin("0.00") @Digits(integer = 13, fraction = 2) BigDecimal monthlyBudget,
        @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as USD") String currency,
        @Size(max = 100) String industry,
        @Size(max = 50) String companySize,
        Map<String, Object> settings) {

    public static final String SLUG = "^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$";
    /** Why {@code plan} is refused in the bodies organization admins send. */
    public static final String PLAN_REFUSED = "is chosen by the installation's operators, not by the organization: "
            + "new organizations start on the free plan";
    public static final String SLUG_RULE =
            "must be 3 to 63 lowercase letters, digits or hyphens, starting and ending with a letter or digit";
}
