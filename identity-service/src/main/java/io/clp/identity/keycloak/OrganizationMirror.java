package io.clp.identity.keycloak;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.events.CloudEventHeaders;
import io.clp.events.identity.ApiKeyCreated;
import io.clp.events.identity.ApiKeyRevoked;
import io.clp.events.identity.MemberInvited;
import io.clp.events.identity.MembershipChanged;
import io.clp.events.identity.OrganizationCreated;
import io.clp.events.identity.OrganizationDeleted;
import io.clp.identity.membership.MemberRole;
import io.clp.platform.messaging.EventHeaders;
import io.clp.platform.security.OrganizationClaim;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Mirrors organizations and memberships into Keycloak. A new organization gets its Keycloak
 * organization (alias = slug, attribute
 * {@code clp_org_id}), one organization group per role carrying that realm role, and the creator in
 * the admin group; an invitee gets an account with their CLP user id; role changes move the member between groups; removal or deactivation takes the
 * member out; a deleted organization is disabled. Tokens requested with the {@code organization} scope then name the caller's
 * organizations and roles. API keys get and lose their Keycloak clients ({@link ApiKeyClients}).
 *
 * <p>It runs after the identity change committed (it consumes the organization's outbox event), so a
 * Keycloak outage never blocks or loses a change: the event is retried with back-off, and every step
 * checks what already exists, so a retried or redelivered event is applied once.
 */
@ApplicationScoped
public class OrganizationMirror {

    private static final Logger LOG = Logger.getLogger(OrganizationMirror.class);
    /** Members read from Keycloak per organization when reconciling. */
    static final int MAX_MEMBERS = 5000;

    @Inject
    @RestClient
    KeycloakAdminApi keycloak;

    @Inject
    ObjectMapper json;

    @Inject
    ApiKeyClients apiKeyClients;

    @ConfigProperty(name = "clp.keycloak.realm")
    String realm;

    @Incoming("organization-mirror")
    public CompletionStage<Void> onOrganizationEvent(Message<String> message) {
        String type = header(message, CloudEventHeaders.TYPE);
        Uni<Void> work;
        try {
            Uni<Void> step;
            if (OrganizationCreated.TYPE.equals(type)) {
                step = mirror(json.readValue(message.getPayload(), OrganizationCreated.class));
            } else if (MembershipChanged.TYPE.equals(type)) {
                step = mirror(json.readValue(message.getPayload(), MembershipChanged.class));
            } else if (MemberInvited.TYPE.equals(type)) {
                step = mirror(json.readValue(message.getPayload(), MemberInvited.class));
            } else if (OrganizationDeleted.TYPE.equals(type)) {
                step = mirror(json.readValue(message.getPayload(), OrganizationDeleted.class));
            } else if (ApiKeyCreated.TYPE.equals(type)) {
                step = apiKeyClients.ensure(json.readValue(message.getPayload(), ApiKeyCreated.class));
            } else if (ApiKeyRevoked.TYPE.equals(type)) {
                step = apiKeyClients.remove(json.readValue(message.getPayload(), ApiKeyRevoked.class).clientId());
            } else {
                return message.ack();
            }
            work = step
                    .onFailure(OrganizationMirror::transientFailure).invoke(e -> LOG.warnf(
                            "mirroring %s %s into Keycloak failed, will retry: %s", type,
                            header(message, CloudEventHeaders.SUBJECT), e.toString()))
                    .onFailure(OrganizationMirror::transientFailure).retry()
                    .withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).atMost(20);
        } catch (Exception e) {
            work = Uni.createFrom().failure(e);
        }
        return work.subscribeAsCompletionStage()
                .thenCompose(v -> message.ack())
                .exceptionallyCompose(e -> {
                    LOG.errorf(e, "could not mirror organization event %s into Keycloak", header(message, CloudEventHeaders.ID));
                    return message.nack(e);
                });
    }

    Uni<Void> mirror(OrganizationCreated event) {
        return ensureOrganization(event.id(), event.name(), event.slug())
                .chain(kcOrg -> ensureRoleGroups(kcOrg)
                        .chain(groups -> placeMember(kcOrg, groups, event.createdBy().toString(), MemberRole.admin)));
    }

    /** Moves the member between the role groups, or out of the organization. */
    Uni<Void> mirror(MembershipChanged event) {
        String userId = event.userId().toString();
        return findOrganization(event.organizationId()).chain(kcOrg -> {
            if (kcOrg == null) {
                // the organization's own creation event has not been mirrored yet: retry later
                return Uni.createFrom().failure(new IllegalStateException("organization not mirrored yet"));
            }
            if ("removed".equals(event.change()) || !event.active()) {
                return keycloak.removeMember(realm, kcOrg, userId)
                        .onFailure(e -> status(e) == 404).recoverWithNull().replaceWithVoid();
            }
            return ensureRoleGroups(kcOrg)
                    .chain(groups -> placeMember(kcOrg, groups, userId, MemberRole.valueOf(event.role())));
        });
    }

    /**
     * The invitee gets a Keycloak account with the same id as their CLP user (so the token's subject
     * names them everywhere) and must choose a password on first login. An existing account is kept.
     */
    Uni<Void> mirror(MemberInvited event) {
        Map<String, Object> user = Map.of(
                "id", event.userId().toString(),
                "username", event.email(),
                "email", event.email(),
                "enabled", true,
                "requiredActions", List.of("UPDATE_PASSWORD", "VERIFY_EMAIL"));
        return keycloak.partialImport(realm, Map.of("ifResourceExists", "SKIP", "users", List.of(user)))
                .invoke(result -> {
                    if (!Integer.valueOf(1).equals(result.get("added"))) {
                        LOG.infof("Keycloak already had an account for invitee %s", event.userId());
                    }
                })
                .replaceWithVoid();
    }

    /** A deleted organization is disabled in Keycloak: its tokens stop naming it. */
    Uni<Void> mirror(OrganizationDeleted event) {
        return keycloak.findOrganizations(realm, OrganizationClaim.ORG_ID_ATTRIBUTE + ":" + event.id()).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            Map<String, Object> org = new java.util.HashMap<>(found.get(0));
            org.put("enabled", false);
            return keycloak.updateOrganization(realm, (String) org.get("id"), org).replaceWithVoid();
        });
    }

    Uni<String> findOrganization(java.util.UUID orgId) {
        return keycloak.findOrganizations(realm, OrganizationClaim.ORG_ID_ATTRIBUTE + ":" + orgId)
                .map(found -> found.isEmpty() ? null : (String) found.get(0).get("id"));
    }

    /**
     * The Keycloak organization of a CLP organization, created when missing (name and alias = the slug,
     * description = the display name); returns its Keycloak id.
     */
    Uni<String> ensureOrganization(java.util.UUID orgId, String name, String slug) {
        String query = OrganizationClaim.ORG_ID_ATTRIBUTE + ":" + orgId;
        return keycloak.findOrganizations(realm, query).chain(found -> {
            if (!found.isEmpty()) {
                return Uni.createFrom().item((String) found.get(0).get("id"));
            }
            // Keycloak wants unique organization names, CLP only unique slugs: the slug names it there too
            Map<String, Object> representation = Map.of(
                    "name", slug,
                    "description", name,
                    "alias", slug,
                    "enabled", true,
                    "attributes", Map.of(OrganizationClaim.ORG_ID_ATTRIBUTE, List.of(orgId.toString())));
            return keycloak.createOrganization(realm, representation)
                    .chain(response -> keycloak.findOrganizations(realm, query))
                    .map(list -> (String) list.get(0).get("id"));
        });
    }

    /** One group per role, named after it and mapped to the realm role of that name. Returns name to id. */
    Uni<Map<String, String>> ensureRoleGroups(String kcOrg) {
        return keycloak.groups(realm, kcOrg).chain(existing -> {
            List<Uni<Void>> missing = new ArrayList<>();
            for (MemberRole role : MemberRole.values()) {
                boolean present = existing.stream().anyMatch(g -> role.name().equals(g.get("name")));
                if (!present) {
                    missing.add(keycloak.createGroup(realm, kcOrg, Map.of("name", role.name())).replaceWithVoid());
                }
            }
            Uni<Void> created = missing.isEmpty() ? Uni.createFrom().voidItem()
                    : Uni.join().all(missing).andFailFast().replaceWithVoid();
            return created.chain(() -> keycloak.groups(realm, kcOrg)).chain(groups -> {
                List<Uni<Void>> mappings = new ArrayList<>();
                Map<String, String> ids = new java.util.HashMap<>();
                for (Map<String, Object> g : groups) {
                    String name = (String) g.get("name");
                    ids.put(name, (String) g.get("id"));
                    mappings.add(keycloak.realmRole(realm, name)
                            .chain(role -> keycloak.mapRealmRoles(realm, kcOrg, (String) g.get("id"), List.of(role)))
                            .replaceWithVoid());
                }
                return Uni.join().all(mappings).andFailFast().replaceWith(ids);
            });
        });
    }

    /** The user is a member of the organization, in its role's group and in no other role group. */
    Uni<Void> placeMember(String kcOrg, Map<String, String> groups, String userId, MemberRole role) {
        List<Uni<Void>> leaveOthers = new ArrayList<>();
        for (MemberRole other : MemberRole.values()) {
            if (other != role && groups.containsKey(other.name())) {
                leaveOthers.add(keycloak.removeGroupMember(realm, kcOrg, groups.get(other.name()), userId)
                        .onFailure(e -> status(e) == 404).recoverWithNull().replaceWithVoid());
            }
        }
        return keycloak.addMember(realm, kcOrg, "\"" + userId + "\"")
                .onFailure(e -> status(e) == 409).recoverWithNull()
                .chain(() -> Uni.join().all(leaveOthers).andFailFast())
                .chain(() -> keycloak.addGroupMember(realm, kcOrg, groups.get(role.name()), userId)
                        .onFailure(e -> status(e) == 409).recoverWithNull())
                .replaceWithVoid();
    }

    /** Takes out of the Keycloak organization everyone who is not an active member in CLP. */
    Uni<Void> removeOthers(String kcOrg, java.util.Set<String> activeUserIds) {
        return keycloak.members(realm, kcOrg, 0, MAX_MEMBERS).chain(members -> {
            List<Uni<Void>> removals = new ArrayList<>();
            for (Map<String, Object> member : members) {
                String id = (String) member.get("id");
                if (!activeUserIds.contains(id)) {
                    removals.add(keycloak.removeMember(realm, kcOrg, id)
                            .onFailure(e -> status(e) == 404).recoverWithNull().replaceWithVoid());
                }
            }
            return removals.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(removals).andFailFast().replaceWithVoid();
        });
    }

    static boolean transientFailure(Throwable e) {
        if (e instanceof IllegalStateException) {
            return true;
        }
        int status = status(e);
        return status == -1 || status >= 500 || status == 429 || status == 401;
    }

    static int status(Throwable e) {
        return e instanceof WebApplicationException w ? w.getResponse().getStatus() : -1;
    }

    private static String header(Message<?> message, String name) {
        return EventHeaders.read(message, name).orElse(null);
    }
}
