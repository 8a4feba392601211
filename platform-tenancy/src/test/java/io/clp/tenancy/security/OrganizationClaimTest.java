package io.clp.tenancy.security;

import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class OrganizationClaimTest {

    @Test
    void readsTheClpOrganizationIdAndTheGroupRolesOfEachOrganization() {
        UUID acme = UUID.randomUUID();
        UUID globex = UUID.randomUUID();
        var claim = Json.createObjectBuilder()
                .add("acme", Json.createObjectBuilder()
                        .add("id", "kc-1")
                        .add("clp_org_id", Json.createArrayBuilder().add(acme.toString()))
                        .add("realm_access", Json.createObjectBuilder().add("roles", Json.createArrayBuilder().add("admin"))))
                .add("globex", Json.createObjectBuilder()
                        .add("id", "kc-2")
                        .add("clp_org_id", Json.createArrayBuilder().add(globex.toString()))
                        .add("realm_access", Json.createObjectBuilder().add("roles",
                                Json.createArrayBuilder().add("viewer").add("offline_access"))))
                .build();

        assertThat(OrganizationClaim.memberships(claim))
                .containsOnlyKeys(acme, globex)
                .containsEntry(acme, java.util.Set.of(Role.ADMIN))
                .containsEntry(globex, java.util.Set.of(Role.VIEWER));
    }

    @Test
    void ignoresOrganizationsWithoutAClpIdAndClaimsOfTheWrongShape() {
        var claim = Json.createObjectBuilder()
                .add("stray", Json.createObjectBuilder().add("id", "kc-3"))
                .add("bad-id", Json.createObjectBuilder().add("clp_org_id", Json.createArrayBuilder().add("not-a-uuid")))
                .build();

        assertThat(OrganizationClaim.memberships(claim)).isEmpty();
        assertThat(OrganizationClaim.memberships(null)).isEmpty();
        assertThat(OrganizationClaim.memberships("organization")).isEmpty();
    }
}
