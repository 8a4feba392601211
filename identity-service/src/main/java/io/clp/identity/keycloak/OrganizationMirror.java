package io.clp.identity.keycloak;

import io.clp.events.identity.MemberInvited;
import io.clp.events.identity.MembershipChanged;
import io.clp.events.identity.OrganizationEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Mirrors organizations, memberships and invitations into Keycloak as their events arrive
 * ({@link KeycloakMirror} delivers them). An event is only a hint of what changed: the organization
 * it names is brought into line with identity-service's own rows ({@link KeycloakOrganizations}), never
 * with the event's payload, so an event that lies or arrives late cannot bring back an older state.
 *
 * <p>A new organization gets its Keycloak organization (alias = slug, attribute {@code clp_org_id}),
 * one organization group per role carrying that realm role, and its members in their role's group;
 * an invitee gets an account for their e-mail (bound to their user row on their first call, see
 * {@code Users}); a deleted organization is disabled. Tokens requested with the {@code organization}
 * scope then name the caller's organizations and roles.
 */
@ApplicationScoped
public class OrganizationMirror {

    private final KeycloakOrganizations organizations;

    public OrganizationMirror(KeycloakOrganizations organizations) {
        this.organizations = organizations;
    }

    /** Any change of the organization itself (created, updated, quotas, deleted). */
    Uni<Void> organizationChanged(OrganizationEvent event) {
        return organizations.sync(KeycloakMirror.named(event.id(), "id")).replaceWithVoid();
    }

    /** A member joined, changed role, left: the organization's groups follow its memberships. */
    Uni<Void> membershipChanged(MembershipChanged event) {
        return organizations.sync(KeycloakMirror.named(event.organizationId(), "organizationId")).replaceWithVoid();
    }

    /** Someone was invited: they get a Keycloak account for their e-mail. */
    Uni<Void> memberInvited(MemberInvited event) {
        return organizations.sync(KeycloakMirror.named(event.organizationId(), "organizationId")).replaceWithVoid();
    }
}
