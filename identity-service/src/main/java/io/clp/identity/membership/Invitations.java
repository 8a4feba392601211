package io.clp.identity.membership;

import io.clp.identity.model.Membership;

import io.clp.events.identity.MemberInvited;
import io.clp.events.identity.MembershipChanged;
import io.clp.identity.model.Organization;
import io.clp.identity.quota.Quota;
import io.clp.identity.quota.Quotas;
import io.clp.identity.user.User;
import io.clp.identity.user.Users;
import io.clp.platform.outbox.Outbox;
import io.clp.platform.problem.Problems;
import io.clp.tenancy.security.Caller;
import io.clp.tenancy.security.Permission;
import io.clp.platform.tx.Transactions;
import io.clp.tenancy.work.OrganizationWork;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;

/**
 * Inviting people by e-mail. An invitation is a membership that is not active yet (no joined_at):
 * the invitee's user row is created when unknown, not bound to any Keycloak subject yet (the
 * {@code OrganizationMirror} gives a new invitee a Keycloak account for the e-mail; whoever signs in
 * with that e-mail verified, in that account or one they had before, is bound to the row on their
 * first call, see {@link Users}),
 * {@link MemberInvited} asks notification-service for the e-mail, and the invitee's acceptance
 * activates the membership. Both run with the organization row locked, like every membership change.
 */
@ApplicationScoped
public class Invitations {

    private final Transactions transactions;
    private final OrganizationWork work;
    private final Outbox outbox;
    private final Users users;
    private final Quotas quotas;

    Invitations(Transactions transactions, OrganizationWork work, Outbox outbox, Users users, Quotas quotas) {
        this.transactions = transactions;
        this.work = work;
        this.outbox = outbox;
        this.users = users;
        this.quotas = quotas;
    }

    public Uni<InvitationView> invite(UUID orgId, Invite request) {
        String email = request.email().trim().toLowerCase(Locale.ROOT);
        return work.run(orgId, Permission.MEMBER_INVITE, admission -> Organization.<Organization>findById(orgId).chain(org ->
                invitee(email)
                        .chain(existing -> existing != null ? Uni.createFrom().item(existing) : newUser(email))
                        .chain(user -> Membership.count("orgId = ?1 and userId = ?2", orgId, user.id).chain(already -> {
                            if (already > 0) {
                                return Uni.createFrom().<User>failure(Problems.conflict("already-member",
                                        email + " is already a member of or invited to this organization"));
                            }
                            return Membership.seatsTaken(orgId)
                                    .chain(members -> quotas.requireRoom(org, Quota.MEMBERS, members))
                                    .replaceWith(user);
                        }))
                        .chain(user -> {
                            Membership m = new Membership();
                            m.id = UUID.randomUUID();
                            m.orgId = orgId;
                            m.userId = user.id;
                            m.role = request.role();
                            m.active = false;
                            m.invitedBy = admission.userId();
                            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                            return m.persist()
                                    .chain(() -> outbox.publish(new MemberInvited(m.id, orgId, org.name,
                                            user.id, email, m.role.id(), m.invitedBy, now)))
                                    .replaceWith(new InvitationView(m.id, orgId, user.id, email, m.role.id(), "invited"));
                        })));
    }

    /**
     * The invitee accepts; anyone else is told there is no such invitation. The organization is
     * locked before the invitation is read, so a removal (or another acceptance) that committed
     * meanwhile is seen: a withdrawn invitation cannot be accepted.
     */
    public Uni<InvitationView> accept(Caller caller, UUID invitationId) {
        caller.requirePerson();
        return transactions.write(() -> users.ensureCaller(caller).chain(user -> Panache.getSession()
                .chain(session -> session.createSelectionQuery(
                                "select m.orgId from Membership m where m.id = ?1 and m.userId = ?2", UUID.class)
                        .setParameter(1, invitationId)
                        .setParameter(2, user.id)
                        .getSingleResultOrNull())
                .onItem().ifNull().failWith(() -> Problems.notFound("invitation", invitationId))
                // scope first: the organization's rows visible before any of them is read, locked or changed
                .call(transactions::allowOrganization)
                .call(orgId -> Organization.<Organization>findById(orgId, LockModeType.PESSIMISTIC_WRITE)
                        .onItem().ifNull().failWith(() -> Problems.notFound("invitation", invitationId))
                        .invoke(org -> {
                            if (org.deletedAt != null) {
                                throw Problems.notFound("invitation", invitationId);
                            }
                        }))
                .chain(() -> Membership.<Membership>findById(invitationId))
                .chain(m -> {
                    if (m == null || !m.userId.equals(user.id) || m.joinedAt != null) {
                        return Uni.createFrom().<InvitationView>failure(Problems.notFound("invitation", invitationId));
                    }
                    m.active = true;
                    m.joinedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    return outbox.publish(new MembershipChanged(m.id, m.orgId, m.userId, "joined", m.role.id(),
                                    m.role.id(), true, m.joinedAt))
                            .replaceWith(new InvitationView(m.id, m.orgId, m.userId, user.email, m.role.id(), "accepted"));
                })));
    }

    /**
     * The invitee's row, not bound to a subject yet. Invitations of the same address to different
     * organizations may race: the second waits for the first's row and uses it.
     */
    private Uni<User> newUser(String email) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO users (id, email) VALUES (?1, ?2) ON CONFLICT ON CONSTRAINT uq_users_email DO NOTHING""")
                        .setParameter(1, UUID.randomUUID())
                        .setParameter(2, email)
                        .executeUpdate())
                .chain(() -> invitee(email));
    }

    /**
     * The row of {@code email}, locked until the invitation commits. Its first sign-in re-keys an
     * invitee's row to their subject ({@link Users}): with the row locked, a re-key either waits
     * for the invitation (and the new membership follows the row) or has committed before, and the
     * lock then returns the row under its new id. Read without the lock, the membership could be
     * written for an id that no longer exists.
     */
    private static Uni<User> invitee(String email) {
        return User.<User>find("email", email).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }
}
