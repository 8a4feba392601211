package io.clp.tenancy.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Clock;
import java.util.Optional;

/**
 * Refuses, at authentication, a token issued to an API key whose key has expired (or whose
 * {@code clp_api_key} claim cannot be read, or that was not issued to the key's own client
 * {@code clp-key-<prefix>}). The key's Keycloak client lives until identity-service
 * deletes it, so its holder can fetch a fresh token for it straight from Keycloak after the key's
 * expiry; the token's own lifetime says nothing about the key's. Failing here makes every service
 * answer such a token with 401 before any of its code runs.
 */
@Singleton
public class ApiKeyExpiry implements SecurityIdentityAugmentor {

    private final Clock clock;

    public ApiKeyExpiry() {
        this(Clock.systemUTC());
    }

    ApiKeyExpiry(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Uni.createFrom().item(identity);
        }
        Object claim = ApiKeyClaim.of(token);
        if (claim == null) {
            return Uni.createFrom().item(identity);
        }
        Optional<ApiKeyClaim> key = ApiKeyClaim.parse(claim);
        // the key is named by its prefix wherever its actions are recorded, and Keycloak issues its
        // tokens to the client clp-key-<prefix>: a key token from any other client is not one of ours
        if (key.isEmpty() || ApiKeyCredential.prefixOfClient(token.getClaim(Claims.azp.name())).isEmpty()) {
            return Uni.createFrom().failure(new AuthenticationFailedException("the token's API key claim cannot be read"));
        }
        if (key.get().expired(clock.instant())) {
            return Uni.createFrom().failure(new AuthenticationFailedException("the API key has expired"));
        }
        return Uni.createFrom().item(identity);
    }
}
