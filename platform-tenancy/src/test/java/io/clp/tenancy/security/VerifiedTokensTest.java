package io.clp.tenancy.security;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.StringPermission;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link VerifiedTokens} reuses and what it sends to Quarkus OIDC again. The delegate stands
 * for OIDC's verification and counts its calls; the services' own tests prove the same rules
 * through HTTP against the real OIDC provider (audience per tenant, expiry).
 */
class VerifiedTokensTest {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    private static final AuthenticationRequestContext CONTEXT = supplier -> Uni.createFrom().item(supplier);

    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Verifier oidc = new Verifier();
    private final VerifiedTokens tokens = new VerifiedTokens(oidc, registry, Duration.ofSeconds(30), 100, now::get);

    @Test
    void aTokenVerifiedOnceIsReusedForTheSameTenantAndBoundToEachRequest() {
        RoutingContext first = routing("Default");
        RoutingContext second = routing("Default");
        AuthenticationRequestContext firstContext = context();
        AuthenticationRequestContext secondContext = context();

        SecurityIdentity a = authenticate("token-1", first, firstContext);
        SecurityIdentity b = authenticate("token-1", second, secondContext);

        assertThat(oidc.calls.get()).isEqualTo(1);
        assertThat(count("verified")).isEqualTo(1);
        assertThat(count("reused")).isEqualTo(1);
        assertThat(b.getPrincipal()).isSameAs(a.getPrincipal());
        assertThat(b.getRoles()).containsExactly("viewer");
        assertThat(b.getCredential(AccessTokenCredential.class).getToken()).isEqualTo("token-1");
        assertThat(b.<Object>getAttribute("tenant-id")).isEqualTo("Default");
        assertThat(b.<Object>getAttribute(RoutingContext.class.getName())).isSameAs(second);
        assertThat(b.<Object>getAttribute(AuthenticationRequestContext.class.getName())).isSameAs(secondContext);
        // the verification's own copy of the routing context under Quarkus's attribute is not carried to another request
        assertThat(a.<Object>getAttribute(HttpSecurityUtils.ROUTING_CONTEXT_ATTRIBUTE)).isSameAs(first);
        assertThat(b.<Object>getAttribute(HttpSecurityUtils.ROUTING_CONTEXT_ATTRIBUTE)).isNull();
        assertThat(b.getAttributes()).containsEntry("tenant-id", "Default")
                .containsEntry(RoutingContext.class.getName(), second)
                .containsEntry(AuthenticationRequestContext.class.getName(), secondContext)
                .doesNotContainKey(HttpSecurityUtils.ROUTING_CONTEXT_ATTRIBUTE)
                .doesNotContainValue(first).doesNotContainValue(firstContext);
        assertThat(b.checkPermission(new StringPermission("campaigns", "read")).await().indefinitely()).isTrue();
        assertThat(b.checkPermission(new StringPermission("campaigns", "write")).await().indefinitely()).isFalse();

        // as an augmentor copies it: still this request's, with the verified identity's roles and permissions
        SecurityIdentity augmented = QuarkusSecurityIdentity.builder(b).addRole("augmented").build();
        assertThat(augmented.<Object>getAttribute(RoutingContext.class.getName())).isSameAs(second);
        assertThat(augmented.getAttributes()).doesNotContainValue(first);
        assertThat(augmented.getRoles()).containsExactlyInAnyOrder("viewer", "augmented");
        assertThat(augmented.checkPermission(new StringPermission("campaigns", "read")).await().indefinitely()).isTrue();

        // a third request is bound to its own routing context; the second keeps its own
        RoutingContext third = routing("Default");
        SecurityIdentity c = authenticate("token-1", third, context());
        assertThat(c.<Object>getAttribute(RoutingContext.class.getName())).isSameAs(third);
        assertThat(c.getAttributes()).containsEntry(RoutingContext.class.getName(), third);
        assertThat(b.<Object>getAttribute(RoutingContext.class.getName())).isSameAs(second);
        assertThat(oidc.calls.get()).isEqualTo(1);
    }

    @Test
    void whatIsKeptHoldsNothingOfTheRequestThatVerifiedIt() {
        RoutingContext first = routing("Default");
        AuthenticationRequestContext firstContext = context();
        SecurityIdentity verified = authenticate("token-1", first, firstContext);

        SecurityIdentity kept = VerifiedTokens.withoutRequest(verified);

        assertThat(kept.getAttributes()).doesNotContainKeys(VerifiedTokens.Reused.REQUEST_ATTRIBUTES.toArray(String[]::new))
                .doesNotContainValue(first).doesNotContainValue(firstContext).containsEntry("tenant-id", "Default");
        assertThat(kept.getPrincipal()).isSameAs(verified.getPrincipal());
        assertThat(kept.getRoles()).containsExactly("viewer");
        assertThat(kept.checkPermission(new StringPermission("campaigns", "read")).await().indefinitely()).isTrue();
    }

    @Test
    void anotherTenantOrAnotherTokenIsVerifiedAgain() {
        authenticate("token-1", routing("Default"));
        authenticate("token-1", routing("internal"));
        authenticate("token-2", routing("Default"));

        assertThat(oidc.calls.get()).isEqualTo(3);
    }

    @Test
    void aTokenIsVerifiedAgainAfterTheTtlAndNeverReusedPastItsExpiry() {
        reusedFor("token-1", Duration.ofSeconds(30));
        oidc.expiresIn = Duration.ofSeconds(5);
        reusedFor("token-2", Duration.ofSeconds(5));
    }

    /** The token is verified, reused until a second before {@code lifetime} has passed, then verified again. */
    private void reusedFor(String token, Duration lifetime) {
        int before = oidc.calls.get();
        authenticate(token, routing("Default"));
        now.set(now.get().plus(lifetime).minusSeconds(1));
        authenticate(token, routing("Default"));
        assertThat(oidc.calls.get()).isEqualTo(before + 1);
        now.set(now.get().plusSeconds(1));
        authenticate(token, routing("Default"));
        assertThat(oidc.calls.get()).isEqualTo(before + 2);
    }

    @Test
    void aRefusedTokenIsVerifiedEachTimeItComes() {
        oidc.refuse = true;
        assertThatThrownBy(() -> authenticate("bad", routing("Default"))).isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> authenticate("bad", routing("Default"))).isInstanceOf(AuthenticationFailedException.class);
        assertThat(oidc.calls.get()).isEqualTo(2);
    }

    @Test
    void aTokenBoundToAProofOfPossessionIsNeverReused() {
        oidc.confirmation = true;
        assertVerifiedEachTime();
    }

    @Test
    void aTokenVerifiedByIntrospectionIsNeverReused() {
        oidc.introspected = true;
        assertVerifiedEachTime();
    }

    private void assertVerifiedEachTime() {
        authenticate("token-1", routing("Default"));
        authenticate("token-1", routing("Default"));
        assertThat(oidc.calls.get()).isEqualTo(2);
        assertThat(count("reused")).isZero();
    }

    @Test
    void underAStepUpPolicyATokenIsAlwaysVerified() {
        authenticate("token-1", routing("Default"));
        RoutingContext stepUp = routing("Default");
        stepUp.put(VerifiedTokens.STEP_UP_POLICY, new Object());
        authenticate("token-1", stepUp);
        authenticate("token-1", stepUp);
        assertThat(oidc.calls.get()).isEqualTo(3);
        assertThat(count("reused")).isZero();
    }

    @Test
    void withoutARequestsTenantOrWithTheCacheOffEveryTokenIsVerified() {
        TokenAuthenticationRequest bare = new TokenAuthenticationRequest(new AccessTokenCredential("token-1"));
        tokens.authenticate(bare, CONTEXT).await().indefinitely();
        tokens.authenticate(bare, CONTEXT).await().indefinitely();
        RoutingContext noTenant = routing(null);
        authenticate("token-1", noTenant);
        authenticate("token-1", noTenant);
        assertThat(oidc.calls.get()).isEqualTo(4);

        VerifiedTokens off = new VerifiedTokens(oidc, registry, Duration.ZERO, 100, now::get);
        off.authenticate(request("token-1", routing("Default")), CONTEXT).await().indefinitely();
        off.authenticate(request("token-1", routing("Default")), CONTEXT).await().indefinitely();
        assertThat(oidc.calls.get()).isEqualTo(6);
    }

    private double count(String outcome) {
        return registry.get(VerifiedTokens.METRIC).tag("outcome", outcome).counter().count();
    }

    private SecurityIdentity authenticate(String token, RoutingContext routing) {
        return authenticate(token, routing, CONTEXT);
    }

    private SecurityIdentity authenticate(String token, RoutingContext routing, AuthenticationRequestContext context) {
        return tokens.authenticate(request(token, routing), context).await().indefinitely();
    }

    /** A request's own authentication context, told apart from any other's by identity. */
    private static AuthenticationRequestContext context() {
        return new AuthenticationRequestContext() {
            @Override
            public Uni<SecurityIdentity> runBlocking(Supplier<SecurityIdentity> supplier) {
                return Uni.createFrom().item(supplier);
            }
        };
    }

    private static TokenAuthenticationRequest request(String token, RoutingContext routing) {
        TokenAuthenticationRequest request = new TokenAuthenticationRequest(new AccessTokenCredential(token));
        HttpSecurityUtils.setRoutingContextAttribute(request, routing);
        return request;
    }

    /** A request whose OIDC mechanism resolved the tenant (none when {@code tenantId} is null). */
    private static RoutingContext routing(String tenantId) {
        Map<String, Object> data = new HashMap<>();
        if (tenantId != null) {
            data.put(OidcTenantConfig.class.getName(), OidcTenantConfig.builder().tenantId(tenantId).build());
        }
        return (RoutingContext) Proxy.newProxyInstance(VerifiedTokensTest.class.getClassLoader(),
                new Class<?>[]{RoutingContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "get" -> data.get((String) args[0]);
                    case "put" -> {
                        data.put((String) args[0], args[1]);
                        yield proxy;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "routing " + tenantId;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Stands for Quarkus OIDC: builds the identity as it does, with the request's attributes. */
    private final class Verifier implements IdentityProvider<TokenAuthenticationRequest> {
        final AtomicInteger calls = new AtomicInteger();
        Duration expiresIn = Duration.ofMinutes(5);
        boolean refuse;
        boolean confirmation;
        boolean introspected;

        @Override
        public Class<TokenAuthenticationRequest> getRequestType() {
            return TokenAuthenticationRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
            calls.incrementAndGet();
            if (refuse) {
                return Uni.createFrom().failure(new AuthenticationFailedException("signature"));
            }
            JwtClaims claims = new JwtClaims();
            claims.setSubject("user-1");
            claims.setExpirationTime(org.jose4j.jwt.NumericDate.fromSeconds(now.get().plus(expiresIn).getEpochSecond()));
            if (confirmation) {
                claims.setClaim(VerifiedTokens.CONFIRMATION_CLAIM, Map.of("jkt", "thumbprint"));
            }
            QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder();
            if (introspected) {
                identity.addAttribute(VerifiedTokens.INTROSPECTION, Map.of("active", true));
            }
            return Uni.createFrom().item(identity
                    .setPrincipal(new OidcJwtCallerPrincipal(claims, request.getToken()))
                    .addCredential(request.getToken())
                    .addRole("viewer")
                    .addPermission(new StringPermission("campaigns", "read"))
                    .addAttribute("tenant-id", "Default")
                    .addAttribute(RoutingContext.class.getName(), HttpSecurityUtils.getRoutingContextAttribute(request))
                    .addAttribute(HttpSecurityUtils.ROUTING_CONTEXT_ATTRIBUTE, HttpSecurityUtils.getRoutingContextAttribute(request))
                    .addAttribute(AuthenticationRequestContext.class.getName(), context)
                    .build());
        }
    }
}
