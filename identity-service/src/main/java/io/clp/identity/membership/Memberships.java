package io.clp.identity.membership;

import io.clp.identity.model.Membership;

import io.clp.events.identity.MembershipChanged;
import io.clp.identity.apikey.ApiKeys;
import io.clp.identity.grant.Grants;
import io.clp.identity.user.User;
import io.clp.platform.outbox.Outbox;
import io.clp.platform.problem.Problems;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.clp.tenancy.work.OrganizationWork;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Members of an organization: list, change role, deactivate, remove. A member who is deactivated or
 * removed loses their entity grants and API keys; a role change revokes the keys that carry a
 * permission the new role lacks. An organization always keeps
 * at least one active admin. Every change runs with the organization row locked (as do invitations
 * and their acceptance), so two concurrent demotions cannot both pass that check and an acceptance
 * cannot race a removal.
 */
@ApplicationScoped
public class Memberships {

    private final OrganizationWork work;
    private final Outbox outbox;
    private final Grants grants;
    private final ApiKeys apiKeys;

    Memberships(OrganizationWork work, Outbox outbox, Grants grants, ApiKeys apiKeys) {
        this.work = work;
        this.outbox = outbox;
        this.grants = grants;
        this.apiKeys = apiKeys;
    }

    public Uni<List<MemberView>> list(UUID orgId) {
        return work.run(orgId, Permission.MEMBER_READ, () -> Membership.<Membership>list("orgId = ?1 order by createdAt, id", orgId)
                .chain(members -> (members.isEmpty() ? Uni.createFrom().item(List.<User>of())
                        : User.<User>list("id in ?1", members.stream().map(m -> m.userId).toList()))
                        .map(users -> {
                            Map<UUID, User> byId = users.stream().collect(Collectors.toMap(u -> u.id, Function.identity()));
                            return members.stream().map(m -> MemberView.of(m, byId.get(m.userId))).toList();
                        })));
    }

    public Uni<MemberView> change(UUID orgId, UUID userId, ChangeMembership request) {
        if (request.role() == null && request.active() == null) {
            throw Problems.validation("role", "send a role, active, or both");
        }
        return work.run(orgId, Permission.MEMBER_UPDATE, admission -> member(orgId, userId)
                .chain(member -> {
                    Role previous = member.role;
                    boolean wasActive = member.active;
                    Role role = request.role() == null ? member.role : request.role();
                    boolean active = request.active() == null ? member.active : request.active();
                    if (member.joinedAt == null && request.active() != null && request.active()) {
                        return Uni.createFrom().<Membership>failure(Problems.conflict("invitation-pending",
                                "the member has not accepted the invitation yet"));
                    }
                    boolean losesAdmin = previous == Role.ADMIN && wasActive
                            && (role != Role.ADMIN || !active);
                    return (losesAdmin ? requireAnotherAdmin(orgId, userId) : Uni.createFrom().voidItem()).chain(() -> {
                        if (role == previous && active == wasActive) {
                            return Uni.createFrom().item(member);
                        }
                        member.role = role;
                        member.active = active;
                        String change = role != previous ? "role_changed" : active ? "reactivated" : "deactivated";
                        return outbox.publish(event(member, change, previous))
                                .call(() -> !active ? grants.revokeAllOf(orgId, userId)
                                        // a client member keeps only grants on clients (docs/clients.md, "Client access")
                                        : role == Role.CLIENT ? grants.revokeAllButClientsOf(orgId, userId)
                                        : Uni.createFrom().voidItem())
                                .call(() -> active && role != Role.CLIENT
                                        ? apiKeys.revokeBeyond(orgId, userId, role, admission.userId())
                                        // and no API key: a key acts across the organization's clients
                                        : apiKeys.revokeAllOf(orgId, userId, admission.userId()))
                                .replaceWith(member);
                    });
                })
                .chain(member -> User.<User>findById(userId).map(u -> MemberView.of(member, u))));
    }

    public Uni<Void> remove(UUID orgId, UUID userId) {
        return work.run(orgId, Permission.MEMBER_REMOVE, admission -> member(orgId, userId)
                .chain(member -> (member.role == Role.ADMIN && member.active
                        ? requireAnotherAdmin(orgId, userId) : Uni.createFrom().voidItem())
                        .chain(() -> outbox.publish(event(member, "removed", member.role)))
                        .chain(() -> grants.revokeAllOf(orgId, userId))
                        .chain(() -> apiKeys.revokeAllOf(orgId, userId, admission.userId()))
                        .chain(() -> member.delete())))
                .replaceWithVoid();
    }

    /** Read with the organization locked (a change's unit of work, see MemberGate): no other membership change runs meanwhile. */
    private Uni<Membership> member(UUID orgId, UUID userId) {
        return Membership.<Membership>find("orgId = ?1 and userId = ?2", orgId, userId).<Membership>firstResult()
                .onItem().ifNull().failWith(() -> Problems.notFound("member", userId));
    }

    private Uni<Void> requireAnotherAdmin(UUID orgId, UUID userId) {
        return Membership.count("orgId = ?1 and userId <> ?2 and role = ?3 and active = true",
                        orgId, userId, Role.ADMIN)
                .chain(others -> others > 0 ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(Problems.conflict("last-admin",
                        "an organization keeps at least one active admin: promote another member first")));
    }

    private static MembershipChanged event(Membership m, String change, Role previous) {
        return new MembershipChanged(m.id, m.orgId, m.userId, change, m.role.id(), previous.id(),
                m.active && !"removed".equals(change), Instant.now().truncatedTo(ChronoUnit.MICROS));
    }
}
