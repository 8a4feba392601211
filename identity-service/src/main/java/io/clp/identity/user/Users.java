package io.clp.identity.user;

import io.clp.platform.problem.DatabaseErrors;
import io.clp.platform.problem.Problems;
import io.clp.tenancy.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Keeps the users table in step with the people who call the API with a Keycloak token.
 *
 * <p>A user's id is their token's subject, in every service. An invitation makes a user row before
 * the person has signed in (see {@code Invitations}); the Keycloak mirror gives a new invitee an
 * account for that e-mail with an id of Keycloak's choosing, and someone who already had an account
 * keeps theirs: either way the subject is not the row's id. So on a subject's first call, a row made
 * by an invitation for the same e-mail and not
 * bound yet ({@code auth_provider_id} null) is bound to it: the row is re-keyed to the subject, and
 * its memberships, invitations and any other reference follow in the same statement (the foreign
 * keys cascade on update, V8). Only an e-mail Keycloak has verified binds; an unverified one is never
 * copied into a row, the row gets a placeholder address instead. Re-keying rather than keeping a
 * second id column keeps "user id = subject" true for the other services and the tokens. A person
 * whose row already exists gets the same on a later call, once their verified e-mail is an unbound
 * row's (see {@link #adoptInvitations}).
 */
@ApplicationScoped
public class Users {

    private static final Logger LOG = Logger.getLogger(Users.class);

    /** Where a row has no verified address (unique, like every address, and undeliverable by RFC 2606). */
    static final String PLACEHOLDER_DOMAIN = "@users.clp.invalid";

    static final String BIND = """
            UPDATE users SET id = ?1, auth_provider_id = ?2, email_verified = true, name = coalesce(name, ?3)
            WHERE email = ?4 AND auth_provider_id IS NULL AND deleted_at IS NULL
            """;

    /** The row an invitation made for an address, not bound yet; locked until the caller's transaction ends. */
    static final String UNBOUND_ROW = """
            SELECT id FROM users WHERE email = ?1 AND auth_provider_id IS NULL AND deleted_at IS NULL FOR UPDATE
            """;

    /**
     * Whether the caller's row holds nothing of its own. The caller's memberships, keys and grants are
     * visible to their transaction (row-level security shows a user their own rows). Locks the row.
     */
    static final String HOLDS_NOTHING = """
            SELECT NOT EXISTS (SELECT 1 FROM org_memberships WHERE user_id = u.id)
               AND NOT EXISTS (SELECT 1 FROM auth_tokens WHERE user_id = u.id)
               AND NOT EXISTS (SELECT 1 FROM entity_permissions WHERE user_id = u.id)
            FROM users u WHERE u.id = ?1 FOR UPDATE OF u
            """;

    /**
     * Moves a row that holds nothing out of the way under a new id, deleted, so that whatever names it
     * (who invited, granted or revoked something, via the cascading keys) keeps naming it. It stays
     * bound (to its new id, which no account has), so no binding ever hands it to anyone.
     */
    static final String SET_ASIDE = """
            UPDATE users SET id = ?1, email = ?2, auth_provider_id = ?4, email_verified = false, deleted_at = now()
            WHERE id = ?3
            """;

    /**
     * Two first calls of the same person race here: the second waits for the first's row and then
     * inserts nothing. Every unique index arbitrates: with the id alone, two calls released at once
     * could both pass the id check and the second fail on the e-mail index instead. A row that is
     * still missing afterwards means the e-mail is another subject's.
     */
    static final String INSERT = """
            INSERT INTO users (id, email, name, auth_provider_id, email_verified)
            VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT DO NOTHING
            """;

    /**
     * Whether an unbound row holds the caller's verified address while the caller's own row holds
     * nothing: only then does {@link #adoptInvitations} change anything. Read without locks; the
     * write that follows a yes takes them.
     */
    static final String INVITATIONS_TO_ADOPT = """
            SELECT EXISTS (SELECT 1 FROM users WHERE email = ?1 AND auth_provider_id IS NULL AND deleted_at IS NULL)
               AND NOT EXISTS (SELECT 1 FROM org_memberships WHERE user_id = ?2)
               AND NOT EXISTS (SELECT 1 FROM auth_tokens WHERE user_id = ?2)
               AND NOT EXISTS (SELECT 1 FROM entity_permissions WHERE user_id = ?2)
            """;

    /**
     * The caller's row when {@link #ensureCaller} would change nothing in it, else null: a read
     * (GET /api/v1/me) then needs no write transaction, and so leaves no transaction context, change
     * event or audit entry behind. Runs in a read transaction of the caller.
     */
    public Uni<User> unchangedCaller(Caller caller) {
        UUID subject = caller.userId();
        return User.<User>findById(subject).chain(existing -> {
            if (existing == null || existing.authProviderId == null) {
                return Uni.createFrom().nullItem();
            }
            Optional<String> verified = caller.verifiedEmail().map(Users::normalized);
            if (verified.isEmpty() || (verified.get().equals(existing.email) && existing.emailVerified)) {
                return Uni.createFrom().item(existing);
            }
            if (verified.get().equals(existing.email)) {
                return Uni.createFrom().nullItem(); // the flag is to be set
            }
            return Panache.getSession().chain(session -> session.createNativeQuery(INVITATIONS_TO_ADOPT, Boolean.class)
                            .setParameter(1, verified.get())
                            .setParameter(2, subject)
                            .getSingleResult())
                    .map(adopt -> adopt ? null : existing);
        });
    }

    /** The caller's user row, bound or created on first sight from the token's claims. Runs in the caller's transaction. */
    public Uni<User> ensureCaller(Caller caller) {
        UUID subject = caller.userId();
        return User.<User>findById(subject).chain(existing -> {
            if (existing == null) {
                return firstSight(caller, subject);
            }
            Optional<String> verified = caller.verifiedEmail().map(Users::normalized);
            if (existing.authProviderId == null) {
                // an invitee whose Keycloak account an earlier mirror made with this row's id (accounts are now made by e-mail)
                existing.authProviderId = subject.toString();
                existing.emailVerified = verified.map(existing.email::equals).orElse(false);
            } else if (verified.isPresent() && !verified.get().equals(existing.email)) {
                return adoptInvitations(existing, subject, verified.get(), caller.displayName());
            } else if (verified.isPresent() && !existing.emailVerified) {
                // flags written before V8 were not evidence; the token's verified claim is
                existing.emailVerified = true;
            }
            return Uni.createFrom().item(existing);
        });
    }

    /**
     * The caller's row has another address than their verified e-mail (their first call came
     * without one, so the row got a placeholder; or the address changed in Keycloak), and an
     * invitation may have made a row for the verified address since, which first-sight binding will
     * never reach. When such an unbound row exists and the caller's own row holds nothing (no
     * membership, key or grant), the caller's row is set aside and the invitee's row is bound in its
     * place, exactly as on first sight: its invitations follow it (the foreign keys cascade). Both
     * rows are locked, so a concurrent call of the same person or an invitation of the address waits.
     * A row that holds something is left alone: merging two histories is an operator's decision.
     */
    private Uni<User> adoptInvitations(User existing, UUID subject, String verified, String displayName) {
        return Panache.getSession().chain(session -> session.createNativeQuery(UNBOUND_ROW, UUID.class)
                        .setParameter(1, verified)
                        .getSingleResultOrNull())
                .chain(invitee -> {
                    if (invitee == null) {
                        return Uni.createFrom().item(existing);
                    }
                    return Panache.getSession().chain(session -> session.createNativeQuery(HOLDS_NOTHING, Boolean.class)
                                    .setParameter(1, subject)
                                    .getSingleResult())
                            .chain(holdsNothing -> {
                                if (!holdsNothing) {
                                    LOG.warnf("user %s has a verified e-mail that an invitation's row %s holds, but also rows of"
                                            + " their own: left for an operator to merge", subject, invitee);
                                    return Uni.createFrom().item(existing);
                                }
                                UUID archived = UUID.randomUUID();
                                return Panache.getSession()
                                        .invoke(session -> session.detach(existing))
                                        .chain(session -> session.createNativeQuery(SET_ASIDE)
                                                .setParameter(1, archived)
                                                .setParameter(2, archived + PLACEHOLDER_DOMAIN)
                                                .setParameter(3, subject)
                                                .setParameter(4, archived.toString())
                                                .executeUpdate()
                                                .chain(() -> session.createNativeQuery(BIND)
                                                        .setParameter(1, subject)
                                                        .setParameter(2, subject.toString())
                                                        .setParameter(3, displayName)
                                                        .setParameter(4, verified)
                                                        .executeUpdate()))
                                        .invoke(() -> LOG.infof("user %s now has the invitations made for their verified e-mail;"
                                                + " their former row is kept as %s", subject, archived))
                                        .chain(() -> User.<User>findById(subject));
                            });
                });
    }

    private Uni<User> firstSight(Caller caller, UUID subject) {
        Optional<String> verified = caller.verifiedEmail().map(Users::normalized);
        Uni<Integer> bound = verified.isEmpty() ? Uni.createFrom().item(0)
                : Panache.getSession().chain(session -> session.createNativeQuery(BIND)
                .setParameter(1, subject)
                .setParameter(2, subject.toString())
                .setParameter(3, caller.displayName())
                .setParameter(4, verified.get())
                .executeUpdate());
        return bound.chain(rows -> {
            if (rows > 0) {
                LOG.infof("user %s signed in with the verified e-mail of an invitation: the invitee's row is now theirs", subject);
                return Uni.createFrom().item(rows);
            }
            return Panache.getSession().chain(session -> session.createNativeQuery(INSERT)
                    .setParameter(1, subject)
                    .setParameter(2, verified.orElse(subject + PLACEHOLDER_DOMAIN))
                    .setParameter(3, caller.displayName())
                    .setParameter(4, subject.toString())
                    .setParameter(5, verified.isPresent())
                    .executeUpdate());
        }).chain(() -> User.<User>findById(subject))
                .onItem().ifNull().failWith(Users::emailInUse)
                .onFailure(Users::isEmailTaken).transform(e -> emailInUse());
    }

    private static RuntimeException emailInUse() {
        return Problems.conflict("email-in-use",
                "the verified e-mail of this account belongs to another CLP user; an operator has to resolve it");
    }

    private static String normalized(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    /** A unique violation of the users' e-mail, somewhere below {@code e}. */
    public static boolean isEmailTaken(Throwable e) {
        return DatabaseErrors.violated(e, "uq_users_email");
    }
}
