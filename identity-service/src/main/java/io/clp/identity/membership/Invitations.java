package io.clp.identity.membership;

import io.clp.events.identity.MemberInvited;
import io.clp.events.identity.MembershipChanged;
import io.clp.identity.access.MemberAccess;
import io.clp.identity.quota.Quota;
import io.clp.identity.quota.Quotas;
import io.clp.identity.user.User;
import io.clp.identity.user.Users;
import io.clp.platform.outbox.Outbox;
import io.clp.platform.problem.Problems;
import io.clp.platform.security.Caller;
import io.clp.platform.security.Permission;
import io.clp.platform.tx.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;

/**
 * Inviting people by e-mail. An invitation is a membership that is not active yet (no joined_at):
 * the invitee's user row is created when unknown (its id becomes their Keycloak user id, see
 * {@code OrganizationMirror}), {@link MemberInvited} asks notification-service for the e-mail, and
 * the invitee's acceptance activates the membership.
 */
@ApplicationScoped
public class Invitations {

    @Inject
    Transactions transactions;

    @Inject
    MemberAccess access;

    @Inject
    Outbox outbox;

    @Inject
    Users users;

    @Inject
    Quotas quotas;

    public Uni<InvitationView> invite(Caller caller, UUID orgId, Invite request) {
        String email = request.email().trim().toLowerCase(Locale.ROOT);
        return transactions.write(() -> access.require(caller, orgId, Permission.MEMBER_INVITE).chain(granted ->
                User.<User>find("email", email).firstResult()
                        .chain(existing -> existing != null ? Uni.createFrom().item(existing) : newUser(email))
                        .chain(user -> Membership.count("orgId = ?1 and userId = ?2", orgId, user.id).chain(already -> {
                            if (already > 0) {
                                return Uni.createFrom().<User>failure(Problems.conflict("already-member",
                                        email + " is already a member of or invited to this organization"));
                            }
                            // pending invitations count: they become members without asking again
                            return Membership.count("orgId = ?1 and (active = true or joinedAt is null)", orgId)
                                    .chain(members -> quotas.requireRoom(granted.organization(), Quota.MEMBERS, members))
                                    .replaceWith(user);
                        }))
                        .chain(user -> {
                            Membership m = new Membership();
                            m.id = UUID.randomUUID();
                            m.orgId = orgId;
                            m.userId = user.id;
                            m.role = request.role();
                            m.active = false;
                            m.invitedBy = granted.membership().userId;
                            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                            return m.persist()
                                    .chain(() -> outbox.publish(new MemberInvited(m.id, orgId, granted.organization().name,
                                            user.id, email, m.role.name(), m.invitedBy, now)))
                                    .replaceWith(new InvitationView(m.id, orgId, user.id, email, m.role.name(), "invited"));
                        })));
    }

    /** The invitee accepts; anyone else is told there is no such invitation. */
    public Uni<InvitationView> accept(Caller caller, UUID invitationId) {
        return transactions.write(() -> users.ensureCaller(caller).chain(user -> Membership.<Membership>findById(invitationId)
                .chain(m -> {
                    if (m == null || !m.userId.equals(user.id) || m.joinedAt != null) {
                        return Uni.createFrom().<InvitationView>failure(Problems.notFound("invitation", invitationId));
                    }
                    // scope first: a native query flushes pending changes, which the policy checks
                    return transactions.allowOrganization(m.orgId).chain(() -> {
                        m.active = true;
                        m.joinedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                        return outbox.publish(new MembershipChanged(m.id, m.orgId, m.userId, "joined", m.role.name(),
                                m.role.name(), true, m.joinedAt));
                    })
                            .replaceWith(new InvitationView(m.id, m.orgId, m.userId, user.email, m.role.name(), "accepted"));
                })));
    }

    private Uni<User> newUser(String email) {
        User user = new User();
        user.id = UUID.randomUUID();
        user.email = email;
        user.authProviderId = user.id.toString();
        return user.persist();
    }
}
