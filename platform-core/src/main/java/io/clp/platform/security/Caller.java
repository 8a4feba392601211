package io.clp.platform.security;

import io.clp.platform.web.RequestIds;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Who is calling, read once per request from the verified access token: subject, name and e-mail,
 * the organizations the caller belongs to with the role in each, and the request id.
 */
@RequestScoped
public class Caller {

    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    @Inject
    RequestIds requestIds;

    private Map<UUID, Set<Role>> memberships;

    public boolean authenticated() {
        return identity != null && !identity.isAnonymous();
    }

    /** The subject: the user's id, shared by Keycloak and identity-service. */
    public UUID userId() {
        return UUID.fromString(token.getSubject());
    }

    public Optional<String> email() {
        return Optional.ofNullable(token.<String>getClaim("email"));
    }

    public String displayName() {
        String name = token.getClaim("name");
        if (name == null || name.isBlank()) {
            name = token.getClaim("preferred_username");
        }
        return name == null ? token.getSubject() : name;
    }

    public Map<UUID, Set<Role>> memberships() {
        if (memberships == null) {
            memberships = OrganizationClaim.memberships(token.getClaim(OrganizationClaim.CLAIM));
        }
        return memberships;
    }

    public Optional<Set<Role>> rolesIn(UUID orgId) {
        return Optional.ofNullable(memberships().get(orgId));
    }

    public String requestId() {
        return requestIds.current();
    }

    /** The actor as written to outbox events and audit context: {@code user:<id>}. */
    public String actor() {
        return "user:" + token.getSubject();
    }
}
