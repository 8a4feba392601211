package io.clp.identity.organization;

import io.clp.identity.model.Organization;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** An organization as the API shows it. */
public record OrganizationView(UUID id, String name, String slug, String domain, String status, String plan,
                               BigDecimal monthlyBudget, String currency, String industry, String companySize,
                               Map<String, Object> settings, Instant createdAt) {

    static OrganizationView of(Organization o) {
        return new OrganizationView(o.id, o.name, o.slug, o.domain, o.status.id(), o.plan.name(), o.monthlyBudget, o.currency,
                o.industry, o.companySize, o.settings, o.createdAt);
    }
}
