package io.clp.identity.keycloak;

import io.clp.identity.model.ApiKey;
import io.clp.identity.model.Membership;
import io.clp.identity.model.Organization;
import io.clp.identity.user.User;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.clp.platform.tx.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What identity-service's own tables say Keycloak should hold. The mirror and the reconciler decide
 * only from these rows, read fresh just before they act; an event merely says which rows to read.
 */
@ApplicationScoped
public class IdentityTruth {

    /** An organization's row; {@code live} is false once it is deleted. */
    public record Org(UUID id, String name, String slug, boolean live) {
    }

    /**
     * A pending invitation: the invitee needs a Keycloak account to accept it. {@code bound} when the
     * invitee's user row already belongs to a Keycloak subject (someone who had signed in before).
     */
    public record Invitee(UUID userId, String email, boolean bound) {
    }

    /**
     * One organization's state: its row ({@code null} when no such organization exists), the role of
     * every active member, and the pending invitees. Two reads are equal when nothing Keycloak
     * mirrors has changed in between.
     */
    public record OrgState(UUID orgId, Org org, Map<UUID, Role> members, List<Invitee> invitees) {

        public boolean live() {
            return org != null && org.live();
        }
    }

    /**
     * An API key's row, whether its organization is still live, and whether its creator is still an
     * active, joined member of that organization whose role covers every scope of the key.
     */
    public record Key(UUID id, UUID orgId, UUID userId, String name, String prefix, List<String> scopes,
                      Instant expiresAt, boolean active, Map<String, Object> publicJwk, Instant createdAt, boolean orgLive,
                      boolean creatorCovers) {

        /**
         * Only such a key may have a Keycloak client. The creator's standing is checked here too, not
         * only when the key is made: a key created while its creator was being removed or demoted
         * loses its client rather than outliving their access.
         */
        public boolean usable(Instant now) {
            return active && orgLive && creatorCovers && publicJwk != null && prefix != null
                    && (expiresAt == null || expiresAt.isAfter(now));
        }
    }

    private final Transactions transactions;

    public IdentityTruth(Transactions transactions) {
        this.transactions = transactions;
    }

    /** One organization as it is now (system scope: the mirror acts for the service itself). */
    public Uni<OrgState> organization(UUID orgId) {
        return transactions.scoped(() -> Organization.<Organization>findById(orgId)
                .chain(org -> Membership.<Membership>list("orgId", orgId)
                        .chain(memberships -> invitees(memberships).map(users -> state(orgId, org, memberships, users)))));
    }

    /** Every organization, for the start of a reconciliation pass. */
    public Uni<Map<UUID, OrgState>> organizations() {
        return transactions.scoped(() -> Organization.<Organization>listAll()
                .chain(orgs -> Membership.<Membership>listAll().chain(memberships -> invitees(memberships).map(users -> {
                    Map<UUID, List<Membership>> byOrg = memberships.stream().collect(Collectors.groupingBy(m -> m.orgId));
                    Map<UUID, OrgState> states = new HashMap<>();
                    for (Organization org : orgs) {
                        states.put(org.id, state(org.id, org, byOrg.getOrDefault(org.id, List.of()), users));
                    }
                    return states;
                }))));
    }

    /** One key as it is now, or {@code null}. */
    public Uni<Key> key(UUID keyId) {
        return transactions.scoped(() -> ApiKey.<ApiKey>findById(keyId).chain(key -> key == null || !ApiKey.TYPE.equals(key.tokenType)
                ? Uni.createFrom().<Key>nullItem()
                : Organization.<Organization>findById(key.orgId).chain(org -> Membership.<Membership>list("orgId = ?1 and userId = ?2",
                        key.orgId, key.userId).map(creator -> key(key, org != null && org.deletedAt == null, creator)))));
    }

    /** The ids of the active API keys a user made in an organization. */
    public Uni<List<UUID>> keyIds(UUID orgId, UUID userId) {
        return transactions.scoped(() -> ApiKey.<ApiKey>list("tokenType = ?1 and orgId = ?2 and userId = ?3 and active = true", ApiKey.TYPE, orgId, userId)
                .map(keys -> keys.stream().map(k -> k.id).toList()));
    }

    /** Every API key, for the start of a reconciliation pass. */
    public Uni<Map<UUID, Key>> keys() {
        return transactions.scoped(() -> ApiKey.<ApiKey>list("tokenType", ApiKey.TYPE)
                .chain(keys -> Organization.<Organization>list("deletedAt is null").chain(live -> Membership.<Membership>list(
                        "active = true and joinedAt is not null").map(members -> {
                    Set<UUID> liveIds = live.stream().map(o -> o.id).collect(Collectors.toSet());
                    Map<List<UUID>, List<Membership>> byOrgAndUser = members.stream()
                            .collect(Collectors.groupingBy(m -> List.of(m.orgId, m.userId)));
                    return keys.stream().collect(Collectors.toMap(k -> k.id, k -> key(k, liveIds.contains(k.orgId),
                            byOrgAndUser.getOrDefault(List.of(k.orgId, k.userId), List.of()))));
                }))));
    }

    private static Uni<Map<UUID, User>> invitees(Collection<Membership> memberships) {
        List<UUID> ids = memberships.stream().filter(IdentityTruth::pending).map(m -> m.userId).distinct().toList();
        return ids.isEmpty() ? Uni.createFrom().item(Map.of())
                : User.<User>list("id in ?1", ids).map(users -> users.stream().collect(Collectors.toMap(u -> u.id, Function.identity())));
    }

    private static boolean pending(Membership m) {
        return m.joinedAt == null && !m.active;
    }

    private static OrgState state(UUID orgId, Organization org, List<Membership> memberships, Map<UUID, User> users) {
        Map<UUID, Role> members = new HashMap<>();
        List<Invitee> invitees = new ArrayList<>();
        for (Membership m : memberships) {
            if (m.active && m.joinedAt != null) {
                members.put(m.userId, m.role);
            } else if (pending(m) && users.containsKey(m.userId)) {
                User user = users.get(m.userId);
                invitees.add(new Invitee(m.userId, user.email, user.authProviderId != null));
            }
        }
        invitees.sort(Comparator.comparing(Invitee::userId));
        Org row = org == null ? null : new Org(org.id, org.name, org.slug, org.deletedAt == null);
        return new OrgState(orgId, row, Map.copyOf(members), List.copyOf(invitees));
    }

    private static Key key(ApiKey k, boolean orgLive, List<Membership> creator) {
        boolean covers = creator.stream().anyMatch(m -> m.active && m.joinedAt != null && covers(m.role, k.scopes));
        return new Key(k.id, k.orgId, k.userId, k.name, k.prefix, List.copyOf(k.scopes), k.expiresAt, k.active,
                k.publicJwk == null ? null : Map.copyOf(k.publicJwk), k.createdAt, orgLive, covers);
    }

    /**
     * Whether the role holds every scope (an unknown scope is held by nobody). The client role covers no key: a key acts
     * with its scopes across the organization, and a client member sees only their clients (docs/clients.md).
     */
    static boolean covers(Role role, Collection<String> scopes) {
        Role held = role;
        return held != null && held != Role.CLIENT
                && scopes.stream().allMatch(s -> Permission.ofScope(s).map(p -> p.grantedTo(held)).orElse(false));
    }
}
