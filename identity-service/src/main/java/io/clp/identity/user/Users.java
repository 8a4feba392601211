package io.clp.identity.user;

import io.clp.platform.problem.ProblemMappers;
import io.clp.platform.problem.Problems;
import io.clp.platform.security.Caller;
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
 * second id column keeps "user id = subject" true for the other services and the tokens.
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

    /**
     * Two first calls of the same person race here: the second waits for the first's row and then
     * inserts nothing. A conflict on the e-mail (another subject's row) still fails.
     */
    static final String INSERT = """
            INSERT INTO users (id, email, name, auth_provider_id, email_verified)
            VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (id) DO NOTHING
            """;

    /** The caller's user row, bound or created on first sight from the token's claims. Runs in the caller's transaction. */
    public Uni<User> ensureCaller(Caller caller) {
        UUID subject = caller.userId();
        return User.<User>findById(subject).chain(existing -> {
            if (existing == null) {
                return firstSight(caller, subject);
            }
            if (existing.authProviderId == null) {
                // an invitee whose Keycloak account an earlier mirror made with this row's id (accounts are now made by e-mail)
                existing.authProviderId = subject.toString();
                existing.emailVerified = caller.verifiedEmail().map(e -> normalized(e).equals(existing.email)).orElse(false);
            }
            return Uni.createFrom().item(existing);
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
                .onFailure(Users::isEmailTaken).transform(e -> Problems.conflict("email-in-use",
                        "the verified e-mail of this account belongs to another CLP user; an operator has to resolve it"));
    }

    private static String normalized(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    /** A unique violation of the users' e-mail, somewhere below {@code e}. */
    public static boolean isEmailTaken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if ("23505".equals(ProblemMappers.sqlState(t)) && t.getMessage() != null && t.getMessage().contains("uq_users_email")) {
                return true;
            }
        }
        return false;
    }
}
