package io.clp.identity.user;

import io.clp.platform.security.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Locale;

/** Keeps the users table in step with the people who call the API with a Keycloak token. */
@ApplicationScoped
public class Users {

    /** The caller's user row, created on first sight from the token's claims. Runs in the caller's transaction. */
    public Uni<User> ensureCaller(Caller caller) {
        return User.<User>findById(caller.userId()).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().item(existing);
            }
            User user = new User();
            user.id = caller.userId();
            user.email = caller.email().orElse(caller.userId() + "@users.clp.invalid").toLowerCase(Locale.ROOT);
            user.name = caller.displayName();
            user.authProviderId = caller.userId().toString();
            user.emailVerified = caller.email().isPresent();
            return user.persist();
        });
    }
}
