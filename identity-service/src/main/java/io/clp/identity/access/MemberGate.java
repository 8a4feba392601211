package io.clp.identity.access;

import io.clp.identity.model.ApiKey;
import io.clp.identity.model.Membership;
import io.clp.identity.model.Organization;
import io.clp.platform.problem.Problems;
import io.clp.platform.tx.Transactions;
import io.clp.tenancy.organization.OrganizationState;
import io.clp.tenancy.security.ApiKeyClaim;
import io.clp.tenancy.security.Caller;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.clp.tenancy.security.Admission;
import io.clp.tenancy.work.OrganizationGate;
import io.clp.tenancy.work.OrganizationWork;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * identity-service's {@link OrganizationGate}, in place of the token gate every other service uses.
 * identity is the source of truth for memberships and organizations, so it reads them from its tables
 * (a role change holds at once here) rather than from the token. Deny by default: no active
 * membership, or a deleted organization, is 404; a role without the permission is 403 (an API key
 * needs the permission both in its creator's role and in its scopes); a change to a suspended
 * organization is 409. An API key's token is only as good as the key's row: a key that is unknown
 * here, revoked, expired, or not the one the token names is 401, whatever the token says (it may have
 * been issued before the revocation, and Keycloak keeps issuing them until the mirror deletes the
 * key's client).
 *
 * <p>For a change, the organization row is locked (SELECT ... FOR UPDATE) before anything is
 * checked, and stays locked until the unit of work's transaction ends: every change to an
 * organization, its memberships, invitations, grants and keys runs one after the other, and each
 * sees what the previous one committed (a suspension, a deletion, a removal) instead of writing back
 * what it read before. Only rows the caller may see can be locked: an outsider's attempt locks
 * nothing and ends in 404. The work reads the organization again with {@code findById}: the session
 * already holds it, so that costs no query.
 */
@ApplicationScoped
public class MemberGate implements OrganizationGate {

    private final Caller caller;
    private final Transactions transactions;

    MemberGate(Caller caller, Transactions transactions) {
        this.caller = caller;
        this.transactions = transactions;
    }

    /**
     * Runs before {@link OrganizationWork} enters the organization ({@link #enter}, which makes its rows
     * visible): a member sees their own membership and organization rows (and a key's creator their keys) without it.
     */
    @Override
    public Uni<Admission> admit(UUID orgId, Permission permission, boolean permissionRequired) {
        Uni<Organization> locked = permission.readsOnly() ? Uni.createFrom().nullItem()
                : Organization.findById(orgId, LockModeType.PESSIMISTIC_WRITE);
        return locked.chain(() -> requireLiveKey(caller))
                .chain(() -> Membership.active(orgId, caller.userId()))
                .onItem().ifNull().failWith(() -> Problems.notFound("organization", orgId))
                .chain(membership -> Organization.<Organization>findById(orgId).map(org -> {
                    if (org == null || !org.live()) {
                        throw Problems.notFound("organization", orgId);
                    }
                    Role role = membership.role;
                    if (caller.apiKey().filter(key -> !key.orgId().equals(orgId)).isPresent()) {
                        // a key acts only in its own organization: elsewhere it is an outsider, whatever the work
                        throw Problems.notFound("organization", orgId);
                    }
                    boolean keyHolds = caller.apiKey().isEmpty() || caller.holds(orgId, permission);
                    if (permissionRequired && !keyHolds) {
                        // an API key acts within its scopes only
                        throw Problems.forbidden("this API key's scopes do not include " + permission.scope());
                    }
                    if (permissionRequired && !permission.grantedTo(role)) {
                        throw Problems.forbidden("this action needs the permission " + permission.scope() + " in the organization");
                    }
                    return new Admission(orgId, membership.userId, Set.of(role), permission,
                            keyHolds && permission.grantedTo(role));
                }));
    }

    /**
     * The organization's rows made visible, then the organization as the unit of work's transaction sees it: 404
     * deleted or unknown, 409 a change while suspended.
     */
    @Override
    public Uni<Void> enter(UUID orgId, boolean change) {
        return transactions.allowOrganization(orgId)
                .chain(() -> Organization.<Organization>findById(orgId))
                .chain(org -> OrganizationState.require(orgId, org == null || !org.live() ? Optional.empty() : Optional.of(org.status),
                        change));
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
