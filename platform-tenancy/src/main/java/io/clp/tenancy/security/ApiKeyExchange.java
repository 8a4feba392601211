package io.clp.tenancy.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.clp.platform.problem.ProblemException;
import io.clp.platform.problem.Problems;
import io.clp.platform.tx.CallersContext;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Turns an API key into an access token for it: signs a client assertion with the key's private key
 * and asks Keycloak's token endpoint for a client-credentials token of the key's client. Keycloak
 * thereby decides whether the key still exists; identity-service deletes the client when the key is
 * revoked or expires.
 *
 * <p>Tokens are cached per key for at most {@code clp.api-keys.cache-ttl} (30 s by default) and
 * never past the key's own expiry, so a revoked key stops working in every service within that
 * bound plus the time identity-service takes to delete its client. A refused key is remembered for
 * {@code clp.api-keys.refusal-ttl} (5 s), so repeated bad keys cost Keycloak one call per period; a
 * Keycloak outage is not remembered. The cache holds a hash of the key, never the key.
 */
@ApplicationScoped
public class ApiKeyExchange {

    private static final Logger LOG = Logger.getLogger(ApiKeyExchange.class);

    private final Vertx vertx;
    private final ObjectMapper json;
    /** The realm's URL: the token endpoint lives under it, and Keycloak accepts it as the assertion's audience. */
    private final Optional<String> issuer;
    private final Duration cacheTtl;
    /** How long a refused key stays refused without asking Keycloak again (a flood of bad keys costs one call each per period). */
    private final Duration refusalTtl;
    private final long cacheSize;

    private WebClient client;
    private AsyncCache<String, Exchanged> cache;

    /*
     * Plain properties rather than a @ConfigMapping of clp.api-keys: a mapping claims every property
     * under its prefix, and identity-service has its own there (clp.api-keys.usage-every).
     */
    public ApiKeyExchange(Vertx vertx, ObjectMapper json,
                          @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> issuer,
                          @ConfigProperty(name = "clp.api-keys.cache-ttl", defaultValue = "30s") Duration cacheTtl,
                          @ConfigProperty(name = "clp.api-keys.refusal-ttl", defaultValue = "5s") Duration refusalTtl,
                          @ConfigProperty(name = "clp.api-keys.cache-size", defaultValue = "10000") long cacheSize) {
        this.vertx = vertx;
        this.json = json;
        this.issuer = issuer;
        this.cacheTtl = cacheTtl;
        this.refusalTtl = refusalTtl;
        this.cacheSize = cacheSize;
    }

    /** The outcome of one exchange: a token, or the refusal. */
    record Exchanged(String accessToken, Instant keyExpiresAt, RuntimeException refusal) {
    }

    /**
     * How long an outcome is reused: a token for the cache TTL, a refusal of the key (401) for the
     * refusal TTL, anything else (Keycloak unavailable) not at all.
     */
    record Lifetimes(Duration token, Duration refusal) implements Expiry<String, Exchanged> {

        @Override
        public long expireAfterCreate(String key, Exchanged value, long currentTime) {
            if (value.refusal() == null) {
                return token.toNanos();
            }
            return value.refusal() instanceof ProblemException p && p.status() == 401 ? refusal.toNanos() : 0;
        }

        @Override
        public long expireAfterUpdate(String key, Exchanged value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(String key, Exchanged value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    @PostConstruct
    void init() {
        client = WebClient.create(vertx);
        cache = Caffeine.newBuilder().expireAfter(new Lifetimes(cacheTtl, refusalTtl)).maximumSize(cacheSize).buildAsync();
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** An access token for the key; fails with 401 for an unknown, revoked or expired key, 503 when Keycloak cannot answer. */
    public Uni<String> accessToken(ApiKeyCredential key) {
        String hash = key.hash();
        return Uni.createFrom().deferred(() -> {
                    CompletableFuture<Exchanged> shared = cache.get(hash, (h, executor) -> exchange(key)
                            .onFailure().recoverWithItem(e -> new Exchanged(null, null,
                                    e instanceof RuntimeException r ? r : new IllegalStateException(e)))
                            .subscribeAsCompletionStage());
                    return onCallersContext(shared);
                })
                .map(exchanged -> {
                    if (exchanged.refusal() != null) {
                        throw exchanged.refusal();
                    }
                    if (exchanged.keyExpiresAt() != null && Instant.now().isAfter(exchanged.keyExpiresAt())) {
                        throw Problems.unauthorized("the API key has expired");
                    }
                    return exchanged.accessToken();
                });
    }

    /**
     * The exchange, answered on the caller's own Vert.x context: requests presenting the same key share one exchange,
     * which completes on the context of the request that started it, and each request's steps must run on its own
     * (its request context, its database session). One already done answers at once. A request cancelled while it
     * waits (its client went away) stops waiting; the exchange goes on for the others.
     */
    static Uni<Exchanged> onCallersContext(CompletableFuture<Exchanged> shared) {
        // a copy: a request that goes away cancels its own wait, never the exchange the others wait for
        Uni<Exchanged> exchanged = Uni.createFrom().completionStage(shared.copy());
        return shared.isDone() ? exchanged : CallersContext.back(exchanged);
    }

    private Uni<Exchanged> exchange(ApiKeyCredential key) {
        if (issuer.isEmpty()) {
            return Uni.createFrom().failure(Problems.unauthorized("this service does not accept API keys: no identity provider is configured"));
        }
        String realm = issuer.get();
        String tokenEndpoint = realm + "/protocol/openid-connect/token";
        Instant now = Instant.now();
        String assertion = Jwt.issuer(key.clientId())
                .subject(key.clientId())
                .audience(realm)
                .claim("jti", UUID.randomUUID().toString())
                .issuedAt(now)
                .expiresAt(now.plusSeconds(60))
                .jws().algorithm(SignatureAlgorithm.ES256).keyId(key.prefix())
                .sign(key.signingKey());
        MultiMap form = MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "client_credentials")
                .add("client_id", key.clientId())
                .add("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                .add("client_assertion", assertion);
        return client.postAbs(tokenEndpoint).timeout(10_000).sendForm(form)
                .onFailure().transform(e -> {
                    LOG.warnf("Keycloak did not answer an API key exchange: %s", e.toString());
                    return Problems.unavailable("API keys cannot be checked right now; try again shortly");
                })
                .map(this::read);
    }

    private Exchanged read(HttpResponse<?> response) {
        if (response.statusCode() == 400 || response.statusCode() == 401) {
            throw Problems.unauthorized("the API key is not valid: unknown, revoked or expired");
        }
        if (response.statusCode() != 200) {
            LOG.warnf("Keycloak answered an API key exchange with HTTP %d", response.statusCode());
            throw Problems.unavailable("API keys cannot be checked right now; try again shortly");
        }
        try {
            String token = json.readTree(response.bodyAsString()).path("access_token").asText();
            JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
            JsonNode expires = claims.path(ApiKeyClaim.CLAIM).path("expires_at");
            return new Exchanged(token, expires.isNumber() ? Instant.ofEpochSecond(expires.asLong()) : null, null);
        } catch (Exception e) {
            throw Problems.unavailable("Keycloak's answer to an API key exchange could not be read");
        }
    }
}
