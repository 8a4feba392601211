package io.clp.tenancy.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.clp.platform.problem.Problems;
import io.clp.platform.tx.RequestCaller;
import io.clp.platform.web.RequestIds;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Who is calling, read once per request from the verified access token: subject, name and e-mail,
 * the organizations the caller belongs to with the role in each, and the request id. A token issued
 * to an API key carries the {@link ApiKeyClaim} instead: the key acts for its creator in one
 * organization, with its scopes in place of a role.
 */
@RequestScoped
public class Caller implements RequestCaller {

    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    @Inject
    RequestIds requestIds;

    /**
     * What each verified token says of its caller, read from its claims once: a reused identity ({@link VerifiedTokens})
     * keeps its token, so the requests that present it again find its standing already read. Keyed by the token object
     * itself (never by equality) and dropped with it.
     */
    private static final Cache<JsonWebToken, Standing> STANDINGS = Caffeine.newBuilder().weakKeys().maximumSize(10_000).build();

    private Standing standing;

    /**
     * The token's API key claim, if any, the organizations it makes its caller a member of, with the role in each, and
     * the caller's name as recorded with their changes.
     */
    record Standing(Optional<ApiKeyClaim> apiKey, Map<UUID, Set<Role>> memberships, String displayName) {

        static Standing of(JsonWebToken token) {
            Optional<ApiKeyClaim> key = ApiKeyClaim.parse(ApiKeyClaim.of(token));
            // an API key has scopes, not a role, in its one organization
            return new Standing(key, key.map(k -> Map.of(k.orgId(), Set.<Role>of()))
                    .orElseGet(() -> OrganizationClaim.memberships(token.getClaim(OrganizationClaim.CLAIM))), displayName(token));
        }

        /** The token's name, else its preferred user name, else its subject. */
        private static String displayName(JsonWebToken token) {
            String name = token.getClaim("name");
            if (name == null || name.isBlank()) {
                name = token.getClaim(Claims.preferred_username.name());
            }
            return name == null ? token.getSubject() : name;
        }
    }

    @Override
    public boolean authenticated() {
        return identity != null && !identity.isAnonymous();
    }

    /** The user acting: the token's subject (shared by Keycloak and identity-service), or an API key's creator. */
    @Override
    public UUID userId() {
        return apiKey().map(ApiKeyClaim::userId).orElseGet(() -> UUID.fromString(token.getSubject()));
    }

    /** The API key behind the request, when a key rather than a person is calling. */
    public Optional<ApiKeyClaim> apiKey() {
        return standing().apiKey();
    }

    public Optional<String> email() {
        return Optional.ofNullable(token.<String>getClaim("email"));
    }

    /**
     * The token's e-mail only if Keycloak says its owner proved it ({@code email_verified}): an
     * unverified address may be anyone's, so it must never identify a person.
     */
    public Optional<String> verifiedEmail() {
        // the claim arrives as a JSON boolean or, from some mappers, as the string "true"
        return "true".equals(String.valueOf(token.<Object>getClaim("email_verified"))) ? email() : Optional.empty();
    }

    @Override
    public String displayName() {
        return standing().displayName();
    }

    /** The organizations the caller may act in, with the role in each (none for an API key: it has scopes). */
    public Map<UUID, Set<Role>> memberships() {
        return standing().memberships();
    }

    private Standing standing() {
        if (standing == null) {
            // keyed by the verified principal, never by the injected token: that is a proxy, one object for every request
            standing = identity.getPrincipal() instanceof JsonWebToken verified
                    ? STANDINGS.get(verified, Standing::of) : Standing.of(token);
        }
        return standing;
    }

    /**
     * Refuses API keys (403) on calls that act for a person beyond one organization: creating an
     * organization, accepting an invitation, listing one's organizations or profile.
     */
    public void requirePerson() {
        if (apiKey().isPresent()) {
            throw Problems.forbidden("an API key acts in its own organization only; this call is for people");
        }
    }

    /** Whether the caller's role in the organization (or the API key's scopes) includes the permission. */
    public boolean holds(UUID orgId, Permission permission) {
        Optional<ApiKeyClaim> key = apiKey();
        if (key.isPresent()) {
            return key.get().orgId().equals(orgId) && key.get().scopes().contains(permission);
        }
        return rolesIn(orgId).map(roles -> roles.stream().anyMatch(permission::grantedTo)).orElse(false);
    }

    public Optional<Set<Role>> rolesIn(UUID orgId) {
        return Optional.ofNullable(memberships().get(orgId));
    }

    @Override
    public String requestId() {
        return requestIds.current();
    }

    /**
     * The actor as written to events ({@code ce_actor}) and the audit context: {@code user:<id>}, or
     * {@code apikey:<prefix>} for an API key: the part of the key its owners see in the key list and
     * in the key itself ({@code clp_<prefix>_...}), unique over every key ever made, and not secret.
     * The key's creator is recorded beside it as the user.
     */
    @Override
    public String actor() {
        return apiKey().map(key -> "apikey:" + apiKeyPrefix()).orElseGet(() -> "user:" + token.getSubject());
    }

    /** The key's prefix, from the Keycloak client the token was issued to ({@code azp}, checked by {@link ApiKeyExpiry}). */
    private String apiKeyPrefix() {
        return ApiKeyCredential.prefixOfClient(token.getClaim(Claims.azp.name()))
                .orElseThrow(() -> Problems.unauthorized("the token's API key claim cannot be read"));
    }
}
