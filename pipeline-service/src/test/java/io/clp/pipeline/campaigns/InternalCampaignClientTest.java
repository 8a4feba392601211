package io.clp.pipeline.campaigns;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpServer;
import io.vertx.mutiny.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client's own handling of tokens and failures, against a small in-test HTTP server standing in for Keycloak's
 * token endpoint and campaign-service (the real pair is covered end to end): the token is fetched with the client's
 * credentials, reused, renewed before it expires and after a 401; 5xx, 429 and a dead server are retried a bounded
 * number of times; other 4xx answers are permanent and say what campaign-service said; answers map onto the contracts.
 */
class InternalCampaignClientTest {

    private static final String SECRET = "pipeline-secret-" + UUID.randomUUID();

    private Vertx vertx;
    private HttpServer server;
    private int port;
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final List<String> bearers = Collections.synchronizedList(new ArrayList<>());
    private final List<String> paths = Collections.synchronizedList(new ArrayList<>());
    private final List<JsonObject> bodies = Collections.synchronizedList(new ArrayList<>());
    private volatile long tokenLifetime = 300;
    private volatile BiConsumer<HttpServerRequest, Integer> campaign;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> request.body().subscribe().with(body -> {
            if (request.path().equals("/token")) {
                String expected = "Basic " + Base64.getEncoder().encodeToString(("clp-pipeline-service:" + SECRET).getBytes());
                if (!expected.equals(request.getHeader("Authorization"))
                        || !body.toString().contains("grant_type=client_credentials")) {
                    request.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                            .endAndForget("{\"error\":\"invalid_client\"}");
                    return;
                }
                int n = tokensIssued.incrementAndGet();
                request.response().putHeader("Content-Type", "application/json")
                        .endAndForget(new JsonObject().put("access_token", "token-" + n).put("expires_in", tokenLifetime).encode());
                return;
            }
            bearers.add(request.getHeader("Authorization"));
            paths.add(request.path());
            bodies.add(body.length() == 0 ? null : body.toJsonObject());
            campaign.accept(request, paths.size());
        })).listenAndAwait(0, "127.0.0.1");
        port = server.actualPort();
    }

    @AfterEach
    void stop() {
        server.closeAndAwait();
        vertx.closeAndAwait();
    }

    private InternalCampaignClient client(Clock clock, String secret, URI campaignUrl) {
        return new InternalCampaignClient(vertx, new InternalCampaignClient.Settings(campaignUrl,
                URI.create("http://127.0.0.1:" + port + "/token"), "clp-pipeline-service", Optional.ofNullable(secret),
                Duration.ofSeconds(2), 3, Duration.ofMillis(10)), clock);
    }

    private InternalCampaignClient client() {
        return client(Clock.systemUTC(), SECRET, URI.create("http://127.0.0.1:" + port));
    }

    private static void json(HttpServerRequest request, int status, JsonObject body) {
        request.response().setStatusCode(status)
                .putHeader("Content-Type", status >= 400 ? "application/problem+json" : "application/json")
                .endAndForget(body.encode());
    }

    @Test
    void resolvesAPageInOneCallAndMapsUnresolvedKeysToNull() {
        UUID org = UUID.randomUUID(), account = UUID.randomUUID(), c = UUID.randomUUID(), io = UUID.randomUUID();
        campaign = (request, n) -> json(request, 200, new JsonObject().put("results", new JsonArray()
                .add(new JsonObject().put("campaignId", c.toString()).put("insertionOrderId", io.toString())
                        .putNull("lineItemId").putNull("creativeId").put("currency", "EUR").putNull("unresolved"))
                .add(new JsonObject().putNull("campaignId").put("unresolved", "ambiguous"))));
        List<ResolvedEntity> resolved = new CampaignEntityResolver(client()).resolve(org, account,
                List.of(new EntityKey.ByNames("Brand", "Strategy", null, null), new EntityKey.ByExternalId("campaign", "42")), true);

        assertThat(resolved).containsExactly(new ResolvedEntity(c, io, null, null, "EUR"), null);
        assertThat(paths).containsExactly("/internal/v1/organizations/" + org + "/entity-resolutions");
        assertThat(bearers).containsExactly("Bearer token-1");
        JsonObject sent = bodies.get(0);
        assertThat(sent.getString("dspAccountId")).isEqualTo(account.toString());
        assertThat(sent.getBoolean("createUnknown")).isTrue();
        assertThat(sent.getJsonArray("keys").getJsonObject(0).getString("insertionOrder")).isEqualTo("Strategy");
        assertThat(sent.getJsonArray("keys").getJsonObject(1).getMap()).isEqualTo(Map.of("level", "campaign", "externalId", "42"));
        // more than a page is the caller's mistake, and an empty page costs no call
        List<EntityKey> tooMany = Collections.nCopies(EntityResolver.MAX_KEYS + 1, new EntityKey.ByExternalId("campaign", "1"));
        assertThatThrownBy(() -> new CampaignEntityResolver(client()).resolve(org, null, tooMany, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new CampaignEntityResolver(client()).resolve(org, null, List.of(), false)).isEmpty();
        assertThat(paths).hasSize(1);
    }

    @Test
    void delegatedAccessMapsOntoDspAccessAndShowsNoCredentialInItsText() {
        UUID org = UUID.randomUUID(), account = UUID.randomUUID();
        campaign = (request, n) -> json(request, 200, new JsonObject().put("dsp", "meta").put("externalAccountId", "act_1")
                .put("credentials", new JsonObject().put("access_token", "short-lived-xyz"))
                .put("expiresAt", "2030-01-01T00:00:00Z").put("accountTimezone", "Europe/Berlin").put("currency", "EUR"));
        DspAccess access = new CampaignDspAccessTokens(client()).accessFor(org, account);

        assertThat(access.dsp()).isEqualTo("meta");
        assertThat(access.credentials()).containsEntry("access_token", "short-lived-xyz");
        assertThat(access.expiresAt()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(access.accountTimezone()).isEqualTo("Europe/Berlin");
        assertThat(access.toString()).doesNotContain("short-lived-xyz");
        assertThat(paths).containsExactly("/internal/v1/organizations/" + org + "/dsp-accounts/" + account + "/delegated-access");
    }

    @Test
    void theTokenIsReusedRenewedBeforeItExpiresAndAfterA401() {
        MutableClock clock = new MutableClock();
        InternalCampaignClient client = client(clock, SECRET, URI.create("http://127.0.0.1:" + port));
        AtomicInteger rejectNext = new AtomicInteger();
        campaign = (request, n) -> {
            if (rejectNext.getAndSet(0) == 1) {
                json(request, 401, new JsonObject().put("type", "urn:clp:problem:unauthorized"));
            } else {
                json(request, 200, new JsonObject().put("ok", true));
            }
        };
        client.post("/a", null);
        client.post("/b", null);
        assertThat(tokensIssued).hasValue(1);
        // 3 of its 5 minutes later: still valid for more than the minute kept in hand
        clock.advance(Duration.ofMinutes(3));
        client.post("/c", null);
        assertThat(tokensIssued).hasValue(1);
        // within the last minute: renewed before campaign-service would refuse it
        clock.advance(Duration.ofSeconds(90));
        client.post("/d", null);
        assertThat(tokensIssued).hasValue(2);
        // campaign-service refuses a token (keys rotated): one fresh token, the call succeeds
        rejectNext.set(1);
        assertThat(client.post("/e", null).path("ok").asBoolean()).isTrue();
        assertThat(tokensIssued).hasValue(3);
        assertThat(bearers).containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-1", "Bearer token-2",
                "Bearer token-2", "Bearer token-3");
    }

    @Test
    void transientAnswersAreRetriedWithinBoundsThenReportedAsUnavailable() {
        campaign = (request, n) -> {
            if (n == 1) {
                json(request, 503, new JsonObject().put("type", "urn:clp:problem:unavailable"));
            } else if (n == 2) {
                request.response().setStatusCode(429).putHeader("Retry-After", "0").endAndForget();
            } else {
                json(request, 200, new JsonObject().put("ok", true));
            }
        };
        assertThat(client().post("/x", null).path("ok").asBoolean()).isTrue();
        assertThat(paths).hasSize(3);

        // a request that timed out at the server is worth another try too
        paths.clear();
        campaign = (request, n) -> {
            if (n == 1) {
                request.response().setStatusCode(408).endAndForget();
            } else {
                json(request, 200, new JsonObject().put("ok", true));
            }
        };
        assertThat(client().post("/x", null).path("ok").asBoolean()).isTrue();
        assertThat(paths).hasSize(2);

        paths.clear();
        campaign = (request, n) -> json(request, 500, new JsonObject().put("type", "urn:clp:problem:internal"));
        assertThatThrownBy(() -> client().post("/y", null))
                .isInstanceOfSatisfying(CampaignServiceException.Unavailable.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.getMessage()).contains("500").contains("3 attempts");
                });
        assertThat(paths).hasSize(3);
    }

    @Test
    void aCampaignServiceThatDoesNotAnswerIsUnavailableNotAHang() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        InternalCampaignClient client = client(Clock.systemUTC(), SECRET, URI.create("http://127.0.0.1:" + closed));
        assertThatThrownBy(() -> client.post("/z", null))
                .isInstanceOfSatisfying(CampaignServiceException.Unavailable.class,
                        e -> assertThat(e.getMessage()).contains("did not answer").contains("3 attempts"));
    }

    @Test
    void permanentAnswersFailAtOnceWithTheProblemAndNeverRetry() {
        campaign = (request, n) -> json(request, 409, new JsonObject().put("type", "urn:clp:problem:dsp-account-disabled")
                .put("detail", "DSP account x is disabled"));
        assertThatThrownBy(() -> new CampaignDspAccessTokens(client()).accessFor(UUID.randomUUID(), UUID.randomUUID()))
                .isInstanceOfSatisfying(CampaignServiceException.Refused.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.problemType()).isEqualTo("urn:clp:problem:dsp-account-disabled");
                    assertThat(e.getMessage()).contains("is disabled");
                });
        assertThat(paths).hasSize(1);

        paths.clear();
        campaign = (request, n) -> json(request, 403, new JsonObject().put("type", "urn:clp:problem:forbidden"));
        assertThatThrownBy(() -> client().post("/f", null))
                .isInstanceOfSatisfying(CampaignServiceException.Refused.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThat(paths).hasSize(1);
    }

    @Test
    void aWrongOrMissingClientSecretIsPermanentAndReachesNoCampaignService() {
        campaign = (request, n) -> json(request, 200, new JsonObject());
        assertThatThrownBy(() -> client(Clock.systemUTC(), "wrong", URI.create("http://127.0.0.1:" + port)).post("/g", null))
                .isInstanceOfSatisfying(CampaignServiceException.Refused.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage()).contains("clp-pipeline-service").contains("invalid_client").doesNotContain("wrong");
                });
        assertThatThrownBy(() -> client(Clock.systemUTC(), null, URI.create("http://127.0.0.1:" + port)).post("/g", null))
                .isInstanceOf(CampaignServiceException.Refused.class).hasMessageContaining("clp.internal.client-secret");
        assertThat(paths).isEmpty();
    }

    @Test
    void theSettingsNeverShowTheClientSecret() {
        var settings = new InternalCampaignClient.Settings(URI.create("http://campaigns"), URI.create("http://keycloak/token"),
                "clp-pipeline-service", Optional.of(SECRET), Duration.ofSeconds(2), 3, Duration.ofMillis(10));
        assertThat(settings.toString()).doesNotContain(SECRET).contains("clientSecret=(set)").contains("clp-pipeline-service");
    }

    @Test
    void aCallFromTheEventLoopIsRefusedBeforeItBlocksIt() {
        campaign = (request, n) -> json(request, 200, new JsonObject());
        InternalCampaignClient client = client();
        java.util.concurrent.CompletableFuture<Throwable> onLoop = new java.util.concurrent.CompletableFuture<>();
        vertx.runOnContext(() -> {
            try {
                client.post("/loop", null);
                onLoop.complete(null);
            } catch (Throwable t) {
                onLoop.complete(t);
            }
        });
        assertThat(onLoop.join()).isInstanceOf(IllegalStateException.class).hasMessageContaining("worker thread");
        assertThat(paths).isEmpty();
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
