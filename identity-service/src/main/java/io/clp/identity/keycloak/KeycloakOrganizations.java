package io.clp.identity.keycloak;

import io.clp.identity.keycloak.IdentityTruth.Invitee;
import io.clp.identity.keycloak.IdentityTruth.OrgState;
import io.clp.tenancy.security.Role;
import io.clp.tenancy.security.OrganizationClaim;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Brings one organization's Keycloak counterpart in line with identity-service's rows, changing only
 * what differs: a live organization exists and is enabled, has one group per role carrying that realm
 * role, every active member is a member sitting in exactly their role's group, nobody else is in it,
 * and every pending invitee not yet bound to a Keycloak subject has an account for their e-mail; a
 * deleted or unknown organization is disabled.
 *
 * <p>Each round reads Keycloak first, then the organization's rows, and acts on the difference; the
 * next round reads both again, so a change committed while a round acted is applied by the round
 * after it (or by its own event), never undone. A round with nothing to change makes no write call.
 * All rounds run under the organization's {@link MirrorLocks lock}, so the mirror and the reconciler
 * never interleave their reads and writes of one organization.
 */
@ApplicationScoped
public class KeycloakOrganizations {

    private static final Logger LOG = Logger.getLogger(KeycloakOrganizations.class);
    /** Rounds per organization: create it, then its groups, then its members; one more to confirm. */
    static final int MAX_ROUNDS = 5;

    /** What Keycloak holds for one CLP organization; {@code id} is null when it has no organization. */
    record KcOrg(String id, Map<String, Object> representation, Map<Role, String> groups,
                 Map<Role, Set<String>> groupRoles, Set<String> members, Map<Role, Set<String>> groupMembers) {

        boolean exists() {
            return id != null;
        }

        boolean enabled() {
            return exists() && !Boolean.FALSE.equals(representation.get("enabled"));
        }
    }

    /** One write call to Keycloak, named for the log. */
    record Step(String what, Supplier<Uni<?>> call) {
    }

    /**
     * How a caller takes part in each round: {@code beforeAct} runs between reading Keycloak and
     * re-reading the rows, and {@code mayAct} can refuse the rows (the reconciler skips an
     * organization that changed since its pass began: the change's own event brings it over).
     */
    record Gate(Function<UUID, Uni<Void>> beforeAct, BiFunction<UUID, OrgState, Boolean> mayAct, Supplier<Uni<Void>> stillLeased) {
        static final Gate OPEN = new Gate(id -> Uni.createFrom().voidItem(), (id, state) -> true, () -> Uni.createFrom().voidItem());
    }

    /** What one organization's synchronisation did. */
    enum Outcome { UNCHANGED, CHANGED, SKIPPED }

    private final KeycloakAdminApi keycloak;
    private final IdentityTruth truth;
    private final KeycloakPages pages;
    private final MirrorLocks locks;
    private final String realm;

    public KeycloakOrganizations(@RestClient KeycloakAdminApi keycloak, IdentityTruth truth, KeycloakPages pages, MirrorLocks locks,
                                 KeycloakConfig config) {
        this.keycloak = keycloak;
        this.truth = truth;
        this.pages = pages;
        this.locks = locks;
        this.realm = config.realm();
    }

    /** Applies the organization's current rows, as the event-driven mirror does. */
    public Uni<Outcome> sync(UUID orgId) {
        return sync(orgId, Gate.OPEN);
    }

    Uni<Outcome> sync(UUID orgId, Gate gate) {
        return locks.organization(orgId, () -> round(orgId, gate, 1, false));
    }

    private Uni<Outcome> round(UUID orgId, Gate gate, int round, boolean changed) {
        return read(orgId)
                .call(kc -> round == 1 ? gate.beforeAct().apply(orgId) : Uni.createFrom().voidItem())
                .chain(kc -> truth.organization(orgId).chain(rows -> {
                    if (round == 1 && !gate.mayAct().apply(orgId, rows)) {
                        LOG.debugf("organization %s changed since the reconciliation began: left to its events", orgId);
                        return Uni.createFrom().item(Outcome.SKIPPED);
                    }
                    return plan(rows, kc).chain(steps -> {
                        if (steps.isEmpty()) {
                            return Uni.createFrom().item(changed ? Outcome.CHANGED : Outcome.UNCHANGED);
                        }
                        if (round == MAX_ROUNDS) {
                            return Uni.createFrom().failure(new IllegalStateException("organization " + orgId
                                    + " still differs from Keycloak after " + MAX_ROUNDS + " rounds: " + steps.get(0).what()));
                        }
                        return gate.stillLeased().get()
                                .chain(() -> run(orgId, steps))
                                .chain(() -> round(orgId, gate, round + 1, true));
                    });
                }));
    }

    private Uni<Void> run(UUID orgId, List<Step> steps) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Step step : steps) {
            chain = chain.chain(() -> {
                LOG.debugf("Keycloak, organization %s: %s", orgId, step.what());
                return step.call().get().replaceWithVoid();
            });
        }
        return chain;
    }

    /** Keycloak's current state for the organization: the organization, its role groups and their members. */
    Uni<KcOrg> read(UUID orgId) {
        return find(orgId).chain(org -> {
            if (org == null) {
                return Uni.createFrom().item(new KcOrg(null, Map.of(), Map.of(), Map.of(), Set.of(), Map.of()));
            }
            String id = (String) org.get("id");
            return keycloak.groups(realm, id, false).chain(groups -> {
                Map<Role, String> groupIds = new EnumMap<>(Role.class);
                Map<Role, Set<String>> groupRoles = new EnumMap<>(Role.class);
                for (Map<String, Object> g : groups) {
                    Role role = role((String) g.get("name"));
                    if (role != null) {
                        groupIds.put(role, (String) g.get("id"));
                        groupRoles.put(role, g.get("realmRoles") instanceof List<?> roles
                                ? new HashSet<>(roles.stream().map(String::valueOf).toList()) : Set.of());
                    }
                }
                Map<Role, Set<String>> groupMembers = new EnumMap<>(Role.class);
                Uni<Void> chain = Uni.createFrom().voidItem();
                for (Map.Entry<Role, String> g : groupIds.entrySet()) {
                    chain = chain.chain(() -> pages.ids((first, max) -> keycloak.groupMembers(realm, id, g.getValue(), first, max, true))
                            .invoke(ids -> groupMembers.put(g.getKey(), ids)).replaceWithVoid());
                }
                return chain.chain(() -> pages.ids((first, max) -> keycloak.members(realm, id, first, max, true)))
                        .map(members -> new KcOrg(id, org, groupIds, groupRoles, members, groupMembers));
            });
        });
    }

    /** The Keycloak organization that carries the CLP organization's id, in full, or null. */
    Uni<Map<String, Object>> find(UUID orgId) {
        return keycloak.findOrganizations(realm, OrganizationClaim.ORG_ID_ATTRIBUTE + ":" + orgId, false)
                .map(found -> found.stream().filter(o -> orgId.equals(clpOrgId(o))).findFirst().orElse(null));
    }

    /** The differences between the rows and Keycloak, as the write calls that remove them, in order. */
    Uni<List<Step>> plan(OrgState rows, KcOrg kc) {
        List<Step> steps = new ArrayList<>();
        if (!rows.live()) {
            if (kc.enabled()) {
                Map<String, Object> disabled = new LinkedHashMap<>(kc.representation());
                disabled.put("enabled", false);
                steps.add(new Step("disable the deleted organization", () -> keycloak.updateOrganization(realm, kc.id(), disabled)));
            }
            return Uni.createFrom().item(steps);
        }
        if (!kc.exists()) {
            // Keycloak wants unique organization names, CLP only unique slugs: the slug names it there too
            Map<String, Object> representation = Map.of(
                    "name", rows.org().slug(),
                    "description", rows.org().name(),
                    "alias", rows.org().slug(),
                    "enabled", true,
                    "attributes", Map.of(OrganizationClaim.ORG_ID_ATTRIBUTE, List.of(rows.orgId().toString())));
            // 409: made meanwhile (by another instance, or by hand); the next round reads it and carries on
            steps.add(new Step("create the organization", () -> keycloak.createOrganization(realm, representation)
                    .onFailure(e -> KeycloakStatus.of(e) == 409).recoverWithNull()));
            return Uni.createFrom().item(steps);
        }
        if (!kc.enabled()) {
            Map<String, Object> enabled = new LinkedHashMap<>(kc.representation());
            enabled.put("enabled", true);
            steps.add(new Step("enable the organization", () -> keycloak.updateOrganization(realm, kc.id(), enabled)));
        }
        boolean groupsComplete = true;
        Uni<Void> mappings = Uni.createFrom().voidItem();
        for (Role role : Role.values()) {
            String group = kc.groups().get(role);
            if (group == null) {
                groupsComplete = false;
                steps.add(new Step("create the group " + role, () -> keycloak.createGroup(realm, kc.id(), Map.of("name", role.id()))
                        .onFailure(e -> KeycloakStatus.of(e) == 409).recoverWithNull()));
            } else if (!kc.groupRoles().getOrDefault(role, Set.of()).contains(role.id())) {
                mappings = mappings.chain(() -> planRealmRole(kc.id(), group, role, steps));
            }
        }
        if (!groupsComplete) {
            // members are placed once every group exists (next round)
            return mappings.replaceWith(steps);
        }
        return mappings.chain(() -> planMembers(rows, kc, steps)).chain(() -> planInvitees(rows.invitees(), steps));
    }

    /**
     * Plans giving the group its realm role when the realm has the role. A realm without it (imported before the role
     * existed) is not a reason to stop syncing the organization's members: the group's members then hold no role in
     * their tokens, so they are refused everywhere (fail closed), and the warning says what to add to the realm.
     */
    private Uni<Void> planRealmRole(String kcOrgId, String group, Role role, List<Step> steps) {
        return keycloak.availableRealmRoles(realm, kcOrgId, group).invoke(available -> {
            if (available.stream().anyMatch(r -> role.id().equals(r.get("name")))) {
                steps.add(new Step("give the group " + role + " its realm role", () -> mapRealmRole(kcOrgId, group, role)));
            } else {
                LOG.warnf("the realm has no role %s: add it (deploy/keycloak/clp-realm.json lists the realm's roles); until then "
                        + "members with that role are refused everywhere", role.id());
            }
        }).replaceWithVoid();
    }

    private Uni<Void> planMembers(OrgState rows, KcOrg kc, List<Step> steps) {
        Map<String, Role> wanted = new HashMap<>();
        rows.members().forEach((user, role) -> wanted.put(user.toString(), role));
        // leave groups first: a member removed from the organization keeps no role group
        for (Role role : Role.values()) {
            String group = kc.groups().get(role);
            for (String user : kc.groupMembers().getOrDefault(role, Set.of())) {
                if (wanted.get(user) != role) {
                    steps.add(new Step("take " + user + " out of the group " + role,
                            () -> keycloak.removeGroupMember(realm, kc.id(), group, user)
                                    .onFailure(e -> KeycloakStatus.of(e) == 404).recoverWithNull()));
                }
            }
        }
        for (String user : kc.members()) {
            if (!wanted.containsKey(user)) {
                steps.add(new Step("remove the member " + user, () -> keycloak.removeMember(realm, kc.id(), user)
                        .onFailure(e -> KeycloakStatus.of(e) == 404).recoverWithNull()));
            }
        }
        List<Step> additions = new ArrayList<>();
        List<String> newcomers = new ArrayList<>();
        wanted.forEach((user, role) -> {
            if (!kc.members().contains(user)) {
                newcomers.add(user);
            }
            if (!kc.groupMembers().getOrDefault(role, Set.of()).contains(user)) {
                additions.add(new Step("put " + user + " in the group " + role,
                        () -> keycloak.addGroupMember(realm, kc.id(), kc.groups().get(role), user)
                                .onFailure(e -> KeycloakStatus.of(e) == 409).recoverWithNull()));
            }
        });
        // a member whose Keycloak account is gone cannot be added: that is logged, not retried as a write every pass
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String user : newcomers) {
            chain = chain.chain(() -> hasAccount(UUID.fromString(user)).invoke(exists -> {
                if (exists) {
                    steps.add(new Step("add the member " + user, () -> keycloak.addMember(realm, kc.id(), "\"" + user + "\"")
                            .onFailure(e -> KeycloakStatus.of(e) == 409).recoverWithNull()));
                } else {
                    LOG.warnf("member %s of organization %s has no Keycloak account", user, rows.orgId());
                    additions.removeIf(step -> step.what().startsWith("put " + user + " "));
                }
            }).replaceWithVoid());
        }
        return chain.invoke(() -> steps.addAll(additions));
    }

    /** Keycloak wants the role's id as well as its name; the group's mappable roles carry both. */
    private Uni<Response> mapRealmRole(String kcOrgId, String group, Role role) {
        return keycloak.availableRealmRoles(realm, kcOrgId, group).chain(available -> {
            Map<String, Object> found = available.stream().filter(r -> role.id().equals(r.get("name"))).findFirst().orElse(null);
            if (found == null) {
                return Uni.createFrom().failure(new IllegalStateException("the realm role " + role.id()
                        + " cannot be mapped to the group " + group));
            }
            return keycloak.mapRealmRoles(realm, kcOrgId, group, List.of(Map.of("id", found.get("id"), "name", role.id())));
        });
    }

    /**
     * Invitees not bound to a Keycloak subject yet get an account for their e-mail unless one exists
     * (reads each such invitee's account first). A bound invitee signed in before, with the account
     * they have: one made now would never be bound to their row.
     */
    private Uni<List<Step>> planInvitees(List<Invitee> invitees, List<Step> steps) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Invitee invitee : invitees) {
            if (invitee.bound()) {
                continue;
            }
            chain = chain.chain(() -> hasAccount(invitee.email()).invoke(exists -> {
                if (!exists) {
                    steps.add(new Step("create the invitee's account " + invitee.userId(), () -> createAccount(invitee)));
                }
            }).replaceWithVoid());
        }
        return chain.replaceWith(steps);
    }

    /** Whether the account with this id exists (members are bound: their user id is their subject). */
    Uni<Boolean> hasAccount(UUID userId) {
        return keycloak.user(realm, userId.toString()).map(u -> true)
                .onFailure(e -> KeycloakStatus.of(e) == 404).recoverWithItem(false);
    }

    /**
     * Whether an account has this e-mail, or has it as its username (the invitee's account would be
     * refused as a duplicate then, and asking again every round would never end).
     */
    Uni<Boolean> hasAccount(String email) {
        return keycloak.usersByEmail(realm, email, true, true).chain(byEmail -> matches(byEmail, "email", email)
                ? Uni.createFrom().item(true)
                : keycloak.usersByUsername(realm, email, true, true).map(byName -> matches(byName, "username", email)));
    }

    private static boolean matches(List<Map<String, Object>> users, String field, String value) {
        return users.stream().anyMatch(u -> u.get(field) instanceof String v && v.equalsIgnoreCase(value));
    }

    /**
     * The invitee's account gets an id of Keycloak's choosing; their user row stays unbound until
     * their first call with this e-mail verified binds it to that subject ({@code Users}). They choose
     * a password and verify the e-mail on first login. An account that exists already (409) is kept.
     */
    Uni<Void> createAccount(Invitee invitee) {
        Map<String, Object> user = Map.of(
                "username", invitee.email(),
                "email", invitee.email(),
                "enabled", true,
                "requiredActions", List.of("UPDATE_PASSWORD", "VERIFY_EMAIL"));
        return keycloak.createUser(realm, user)
                .onFailure(e -> KeycloakStatus.of(e) == 409).recoverWithNull()
                .replaceWithVoid();
    }

    static UUID clpOrgId(Map<String, Object> organization) {
        if (organization.get("attributes") instanceof Map<?, ?> attributes
                && attributes.get(OrganizationClaim.ORG_ID_ATTRIBUTE) instanceof List<?> values && !values.isEmpty()) {
            try {
                return UUID.fromString(String.valueOf(values.get(0)));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private static Role role(String name) {
        for (Role role : Role.values()) {
            if (role.id().equals(name)) {
                return role;
            }
        }
        return null;
    }
}
