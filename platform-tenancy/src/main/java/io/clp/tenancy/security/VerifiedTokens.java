package io.clp.tenancy.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.runtime.OidcIdentityProvider;
import io.quarkus.security.credential.Credential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Permission;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies a bearer access token once and reuses the identity for the same token for a short while
 * ({@code clp.access-tokens.cache-ttl}, 30 s by default; {@code 0s} turns it off): a web app or an
 * API client sends the same token with every call, and checking its RSA signature, parsing it and
 * decoding its claims again each time is the largest cost of a small request.
 *
 * <p>What a reused identity still gets right:
 * <ul>
 *   <li>The first verification is Quarkus OIDC's own ({@link OidcIdentityProvider}): signature,
 *       issuer, audience, expiry and every setting of the tenant. Only a success is remembered; a
 *       refused token is verified again each time it comes.</li>
 *   <li>An identity is reused for the OIDC tenant that verified it only (the tenant is part of the
 *       key): a user's token accepted on the public API is verified afresh against the internal
 *       API's audience.</li>
 *   <li>It is never reused past the token's own expiry, and the token's lifetime is not extended.</li>
 *   <li>A token bound to a proof of possession (a {@code cnf} claim: DPoP or a client certificate)
 *       is never reused, since the proof belongs to each request; nor is a token verified by
 *       introspection (which exists to learn of revocation), nor one presented to an endpoint with
 *       a step-up policy (acr, maximum age), which OIDC checks on each verification.</li>
 *   <li>The augmentors (such as {@link ApiKeyExpiry}) run on every request, reused identity or not.</li>
 *   <li>A signing key removed from the realm stops admitting its tokens within the TTL, as does
 *       anything else a fresh verification would now refuse.</li>
 * </ul>
 * The cache keys on a SHA-256 of the token, never the token, and holds at most
 * {@code clp.access-tokens.cache-size} identities (1,000 by default). An identity is kept without
 * the request it came with; each reuse is bound to the current request. The counter
 * {@code clp_access_tokens_authenticated_total} tells reused from verified tokens.
 */
@Singleton
public class VerifiedTokens implements IdentityProvider<TokenAuthenticationRequest> {

    /** The claim that binds a token to a proof of possession (RFC 7800; DPoP, RFC 9449; mTLS, RFC 8705). */
    static final String CONFIRMATION_CLAIM = "cnf";
    /** Tokens presented, tagged {@code outcome=reused} (a verified identity reused) or {@code verified} (sent to OIDC, accepted or not). */
    static final String METRIC = "clp.access_tokens.authenticated";
    /** What Quarkus OIDC calls the tenant of the {@code quarkus.oidc.*} settings, which may leave its id unset. */
    static final String DEFAULT_TENANT = "Default";
    /**
     * Where Quarkus OIDC finds an endpoint's step-up policy ({@code @AuthenticationContext}: acr values, a maximum
     * age), which it checks on each verification: a request under one is always verified.
     */
    static final String STEP_UP_POLICY = "io.quarkus.oidc.runtime.step-up-auth";
    /** The attribute of an identity verified by asking the provider (introspection), which exists to learn of revocation. */
    static final String INTROSPECTION = "introspection";

    /** Quarkus OIDC's verification, which stays the only one. */
    private final IdentityProvider<TokenAuthenticationRequest> oidc;
    private final InstantSource clock;
    private final Duration ttl;
    private final Cache<String, Verified> cache;
    private final Counter reused;
    private final Counter verified;

    /** An identity as verified, without any request's attributes, and until when it may be reused. */
    record Verified(SecurityIdentity identity, Instant reusableUntil) {
    }

    @Inject
    public VerifiedTokens(OidcIdentityProvider oidc, MeterRegistry registry,
                          @ConfigProperty(name = "clp.access-tokens.cache-ttl", defaultValue = "30s") Duration ttl,
                          @ConfigProperty(name = "clp.access-tokens.cache-size", defaultValue = "1000") long size) {
        this(oidc, registry, ttl, size, InstantSource.system());
    }

    VerifiedTokens(IdentityProvider<TokenAuthenticationRequest> oidc, MeterRegistry registry, Duration ttl, long size,
                   InstantSource clock) {
        this.oidc = oidc;
        this.clock = clock;
        this.ttl = ttl;
        this.reused = counter(registry, "reused");
        this.verified = counter(registry, "verified");
        // each identity leaves the cache when it may no longer be reused (reuse also checks the time itself)
        this.cache = Caffeine.newBuilder().maximumSize(size)
                .expireAfter(Expiry.creating((String key, Verified entry) -> until(clock.instant(), entry.reusableUntil())))
                .build();
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Asked before Quarkus OIDC's provider, which it calls itself for a token it does not hold. */
    @Override
    public int priority() {
        return SYSTEM_FIRST + 100;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        Optional<String> key = key(request);
        if (key.isEmpty()) {
            verified.increment();
            return oidc.authenticate(request, context);
        }
        Instant now = clock.instant();
        Verified earlier = cache.getIfPresent(key.get());
        if (earlier != null && now.isBefore(earlier.reusableUntil())) {
            reused.increment();
            return Uni.createFrom().item(new Reused(earlier.identity(), HttpSecurityUtils.getRoutingContextAttribute(request), context));
        }
        verified.increment();
        return oidc.authenticate(request, context).invoke(identity -> remember(key.get(), identity, now));
    }

    /**
     * The key of a bearer access token presented over HTTP, with the OIDC tenant that verifies it;
     * none (verify every time) when either is unknown.
     */
    private Optional<String> key(TokenAuthenticationRequest request) {
        if (ttl.isZero() || ttl.isNegative() || !(request.getToken() instanceof AccessTokenCredential credential)
                || credential.getToken() == null) {
            return Optional.empty();
        }
        RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
        // the tenant configuration the OIDC mechanism resolved for this request, which the verification uses
        if (routing == null || !(routing.get(OidcTenantConfig.class.getName()) instanceof OidcTenantConfig tenant)
                || routing.get(STEP_UP_POLICY) != null) {
            return Optional.empty();
        }
        return Optional.of(tenant.tenantId().orElse(DEFAULT_TENANT) + "|" + sha256(credential.getToken()));
    }

    private void remember(String key, SecurityIdentity identity, Instant now) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)
                || token.getClaim(CONFIRMATION_CLAIM) != null || token.getExpirationTime() <= 0
                || identity.getAttribute(INTROSPECTION) != null) {
            return;
        }
        Instant expires = Instant.ofEpochSecond(token.getExpirationTime());
        Instant until = now.plus(ttl).isBefore(expires) ? now.plus(ttl) : expires;
        if (now.isBefore(until)) {
            cache.put(key, new Verified(withoutRequest(identity), until));
        }
    }

    /**
     * A copy of the identity without the request it was verified with, to keep in the cache: nothing of it
     * (not even through a permission checker) holds on to that request.
     */
    static SecurityIdentity withoutRequest(SecurityIdentity identity) {
        Map<String, Object> attributes = new HashMap<>(identity.getAttributes());
        Reused.REQUEST_ATTRIBUTES.forEach(attributes::remove);
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .addCredentials(identity.getCredentials())
                .addRoles(identity.getRoles())
                .addPermissions(identity.getPermissions())
                .addAttributes(attributes)
                .build();
    }

    /**
     * A verified identity reused for one request: its principal, credentials, roles, permissions and
     * other attributes are the verified identity's, read through rather than copied, and its routing
     * and authentication contexts are this request's.
     */
    static final class Reused implements SecurityIdentity {

        /** The attributes that belong to a request, never to a verified identity. */
        static final List<String> REQUEST_ATTRIBUTES = List.of(RoutingContext.class.getName(),
                HttpSecurityUtils.ROUTING_CONTEXT_ATTRIBUTE, AuthenticationRequestContext.class.getName());

        private final SecurityIdentity verified;
        private final RoutingContext routing;
        private final AuthenticationRequestContext context;
        private Map<String, Object> attributes;

        Reused(SecurityIdentity verified, RoutingContext routing, AuthenticationRequestContext context) {
            this.verified = verified;
            this.routing = routing;
            this.context = context;
        }

        @Override
        public Principal getPrincipal() {
            return verified.getPrincipal();
        }

        @Override
        public boolean isAnonymous() {
            return verified.isAnonymous();
        }

        @Override
        public Set<String> getRoles() {
            return verified.getRoles();
        }

        @Override
        public boolean hasRole(String role) {
            return verified.hasRole(role);
        }

        @Override
        public Set<Permission> getPermissions() {
            return verified.getPermissions();
        }

        @Override
        public <T extends Credential> T getCredential(Class<T> type) {
            return verified.getCredential(type);
        }

        @Override
        public Set<Credential> getCredentials() {
            return verified.getCredentials();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getAttribute(String name) {
            if (RoutingContext.class.getName().equals(name)) {
                return (T) routing;
            }
            if (AuthenticationRequestContext.class.getName().equals(name)) {
                return (T) context;
            }
            // the verified identity holds none of the request's own attributes
            return HttpSecurityUtils.ROUTING_CONTEXT_ATTRIBUTE.equals(name) ? null : verified.getAttribute(name);
        }

        /** Built when asked for (an augmentor that copies the identity), not for every request. */
        @Override
        public Map<String, Object> getAttributes() {
            if (attributes == null) {
                Map<String, Object> all = new HashMap<>(verified.getAttributes());
                REQUEST_ATTRIBUTES.forEach(all::remove);
                if (routing != null) {
                    all.put(RoutingContext.class.getName(), routing);
                }
                if (context != null) {
                    all.put(AuthenticationRequestContext.class.getName(), context);
                }
                attributes = Collections.unmodifiableMap(all);
            }
            return attributes;
        }

        @Override
        public Uni<Boolean> checkPermission(Permission permission) {
            return verified.checkPermission(permission);
        }
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder(METRIC)
                .description("Bearer access tokens presented: reused (a verified identity reused) or verified (sent to Quarkus OIDC, accepted or not)")
                .tag("outcome", outcome).register(registry);
    }

    private static Duration until(Instant now, Instant then) {
        return now.isBefore(then) ? Duration.between(now, then) : Duration.ZERO;
    }
}
