package io.clp.identity.access;

import io.clp.identity.model.ApiKey;
import io.clp.identity.model.Membership;
import io.clp.identity.model.Organization;
import io.clp.platform.problem.Problems;
import io.clp.tenancy.organization.OrganizationStatus;
import io.clp.tenancy.security.ApiKeyClaim;
import io.clp.tenancy.security.Caller;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.clp.platform.tx.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

import java.util.Optional;
import java.util.UUID;

/**
 * identity-service's own organization-scoped check. It is the source of truth for memberships, so it
 * reads them from its tables (a role change holds at once here) rather than from the token. Deny by
 * default: no active membership, or a deleted organization, is 404; a role without the permission
 * is 403 (an API key needs the permission both in its creator's role and in its scopes); a change to
 * a suspended organization is 409. An API key's token is only as good as the key's row: a key that is
 * unknown here, revoked, expired, or not the one the token names is 401, whatever the token says (it
 * may have been issued before the revocation, and Keycloak keeps issuing them until the mirror
 * deletes the key's client).
 *
 * <p>Writes use {@link #requireLocked}: the organization row is locked before anything is checked,
 * so every change to an organization, its memberships and invitations runs one after the other, and
 * each sees what the previous one committed (a suspension, a deletion, a removal) instead of writing
 * back what it read before.
 */
@ApplicationScoped
public class MemberAccess {

    @Inject
    Transactions transactions;

    public record Granted(Organization organization, Membership membership, Role role) {
    }

    /**
     * {@link #require} with the organization's row locked (SELECT ... FOR UPDATE) until the
     * transaction ends, taken before the checks so they read the latest committed state. Only rows
     * the caller may see can be locked: an outsider's attempt locks nothing and ends in 404.
     */
    public Uni<Granted> requireLocked(Caller caller, UUID orgId, Permission permission) {
        return Organization.<Organization>findById(orgId, LockModeType.PESSIMISTIC_WRITE)
                .chain(() -> require(caller, orgId, permission));
    }

    /** Must run in a transaction of {@link Transactions}; lets it see the organization's rows when granted. */
    public Uni<Granted> require(Caller caller, UUID orgId, Permission permission) {
        return requireLiveKey(caller).chain(() -> Membership.active(orgId, caller.userId())).chain(membership -> {
            if (membership == null) {
                return Uni.createFrom().failure(Problems.notFound("organization", orgId));
            }
            return transactions.allowOrganization(orgId).chain(() -> Organization.<Organization>findById(orgId)).chain(org -> {
                if (org == null || !org.live()) {
                    return Uni.createFrom().failure(Problems.notFound("organization", orgId));
                }
                Role role = membership.role;
                if (caller.apiKey().isPresent() && !caller.holds(orgId, permission)) {
                    // an API key acts within its scopes only, and only in its own organization
                    return Uni.createFrom().failure(caller.apiKey().get().orgId().equals(orgId)
                            ? Problems.forbidden("this API key's scopes do not include " + permission.scope())
                            : Problems.notFound("organization", orgId));
                }
                if (!permission.grantedTo(role)) {
                    return Uni.createFrom().failure(Problems.forbidden(
                            "this action needs the permission " + permission.scope() + " in the organization"));
                }
                if (org.status == OrganizationStatus.SUSPENDED && !"read".equals(permission.action())) {
                    return Uni.createFrom().failure(Problems.conflict("organization-suspended",
                            "the organization is suspended: its data can be read but not changed"));
                }
                return Uni.createFrom().item(new Granted(org, membership, role));
            });
        });
    }

    /** For an API key's caller, the key's row must still say the key works; people pass. */
    private static Uni<Void> requireLiveKey(Caller caller) {
        Optional<ApiKeyClaim> claim = caller.apiKey();
        if (claim.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        ApiKeyClaim key = claim.get();
        return ApiKey.live(key.id(), key.orgId(), key.userId()).chain(live -> live
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(Problems.unauthorized("the API key is not valid: unknown, revoked or expired")));
    }
}
