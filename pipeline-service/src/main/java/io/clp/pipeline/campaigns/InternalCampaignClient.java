package io.clp.pipeline.campaigns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.TimeoutException;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * pipeline-service's calls to campaign-service's internal API (docs/adr/0012-internal-service-calls.md), as its own
 * Keycloak service account: a client-credentials token fetched from Keycloak, kept in memory and renewed a minute
 * before it expires (or when campaign-service answers 401), sent as a bearer token. Blocking: call it from a worker
 * thread, never the event loop. Each call has a timeout; connection failures, timeouts, 5xx and 429 are retried a
 * bounded number of times with backoff (honouring Retry-After), then surface as {@link CampaignServiceException.Unavailable};
 * other 4xx answers are permanent ({@link CampaignServiceException.Refused}). Nothing it holds is logged.
 */
@ApplicationScoped
public class InternalCampaignClient {

    private static final Logger LOG = Logger.getLogger(InternalCampaignClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A token is renewed this long before Keycloak says it expires. */
    static final Duration RENEW_BEFORE = Duration.ofSeconds(60);
    private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);

    /** Where and as whom to call, and how patiently. */
    public record Settings(URI campaignServiceUrl, URI tokenUrl, String clientId, Optional<String> clientSecret,
                           Duration timeout, int maxAttempts, Duration backoff) {
        /** Never the secret: settings end up in logs and failure messages. */
        @Override
        public String toString() {
            return "Settings[campaignServiceUrl=" + campaignServiceUrl + ", tokenUrl=" + tokenUrl + ", clientId=" + clientId
                    + ", clientSecret=" + (clientSecret.isPresent() ? "(set)" : "(none)") + ", timeout=" + timeout
                    + ", maxAttempts=" + maxAttempts + ", backoff=" + backoff + "]";
        }
    }

    private record Token(String value, Instant renewAt) {
        @Override
        public String toString() {
            return "Token[renewAt=" + renewAt + "]";
        }
    }

    private final Settings settings;
    private final WebClient client;
    private final Clock clock;
    private final ReentrantLock tokenLock = new ReentrantLock();
    private Token token;

    @Inject
    InternalCampaignClient(Vertx vertx,
                           @ConfigProperty(name = "clp.internal.campaign-service.url") URI campaignServiceUrl,
                           @ConfigProperty(name = "clp.internal.token-url") URI tokenUrl,
                           @ConfigProperty(name = "clp.internal.client-id") String clientId,
                           @ConfigProperty(name = "clp.internal.client-secret") Optional<String> clientSecret,
                           @ConfigProperty(name = "clp.internal.timeout", defaultValue = "PT10S") Duration timeout,
                           @ConfigProperty(name = "clp.internal.max-attempts", defaultValue = "4") int maxAttempts,
                           @ConfigProperty(name = "clp.internal.retry-backoff", defaultValue = "PT0.5S") Duration backoff) {
        this(vertx, new Settings(campaignServiceUrl, tokenUrl, clientId, clientSecret, timeout, maxAttempts, backoff),
                Clock.systemUTC());
    }

    public InternalCampaignClient(Vertx vertx, Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis()))
                .setFollowRedirects(false));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** POSTs {@code body} (null: none) to campaign-service at {@code path} and returns its JSON answer. Blocking. */
    public JsonNode post(String path, Object body) {
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            throw new IllegalStateException("calls to campaign-service block: make them from a worker thread, not the event loop");
        }
        byte[] payload;
        try {
            payload = body == null ? null : JSON.writeValueAsBytes(body);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the request cannot be written as JSON", e);
        }
        URI target = settings.campaignServiceUrl().resolve(path);
        boolean renewed = false;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<Buffer> response;
            try {
                String bearer = token(false);
                var request = client.postAbs(target.toString()).timeout(settings.timeout().toMillis())
                        .putHeader("Authorization", "Bearer " + bearer).putHeader("Accept", "application/json");
                var sending = payload == null ? request.send()
                        : request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(payload));
                response = sending.await().atMost(settings.timeout().plusSeconds(1));
            } catch (CampaignServiceException e) {
                throw e;
            } catch (RuntimeException e) {
                if (attempt >= settings.maxAttempts()) {
                    throw new CampaignServiceException.Unavailable("campaign-service did not answer " + path + " after "
                            + attempt + " attempts: " + describe(e), null);
                }
                LOG.warnf("campaign-service did not answer %s (attempt %d of %d): %s", path, attempt, settings.maxAttempts(), describe(e));
                pause(backoff(attempt), null);
                continue;
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return read(response, path);
            }
            if (status == 401 && !renewed) {
                // the token expired early or Keycloak's keys rotated: once with a fresh token
                renewed = true;
                invalidate();
                attempt--;
                continue;
            }
            // 408 (the request timed out at the server) and 425 (too early) say "try again" as much as a 429 or a 503
            if (status == 408 || status == 425 || status == 429 || status >= 500) {
                if (attempt >= settings.maxAttempts()) {
                    throw new CampaignServiceException.Unavailable("campaign-service answered " + status + " to " + path
                            + " after " + attempt + " attempts", null);
                }
                LOG.warnf("campaign-service answered %d to %s (attempt %d of %d)", status, path, attempt, settings.maxAttempts());
                pause(backoff(attempt), response.getHeader("Retry-After"));
                continue;
            }
            throw refused(status, response, "campaign-service refused " + path);
        }
    }

    private static JsonNode read(HttpResponse<Buffer> response, String path) {
        try {
            return JSON.readTree(response.body() == null ? new byte[0] : response.body().getBytes());
        } catch (java.io.IOException e) {
            throw new CampaignServiceException.Refused(response.statusCode(), null, "campaign-service's answer to " + path + " is not JSON");
        }
    }

    private static CampaignServiceException.Refused refused(int status, HttpResponse<Buffer> response, String what) {
        String type = null;
        String detail = null;
        String contentType = response.getHeader("Content-Type");
        if (response.body() != null && contentType != null && contentType.contains("json")) {
            try {
                JsonNode problem = JSON.readTree(response.body().getBytes());
                type = problem.path("type").isTextual() ? problem.path("type").asText() : null;
                detail = problem.path("detail").isTextual() ? problem.path("detail").asText()
                        : problem.path("error").isTextual() ? problem.path("error").asText() : null;
            } catch (java.io.IOException ignored) {
                // not a problem document: the status says enough
            }
        }
        return new CampaignServiceException.Refused(status, type, what + " (" + status + (type == null ? "" : " " + type) + ")"
                + (detail == null ? "" : ": " + detail));
    }

    /**
     * The service account's access token: the cached one until a minute before it expires, else a new one. One caller
     * at a time fetches it; a lock rather than {@code synchronized}, which would pin a virtual thread's carrier (Java
     * 21) for as long as Keycloak takes to answer, retries included.
     */
    String token(boolean forceNew) {
        try {
            // a caller stopped while it queues behind another's Keycloak retries gives up at once
            tokenLock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CampaignServiceException.Unavailable("interrupted while waiting for the service token", e);
        }
        try {
            if (!forceNew && token != null && clock.instant().isBefore(token.renewAt())) {
                return token.value();
            }
            token = fetchToken();
            return token.value();
        } finally {
            tokenLock.unlock();
        }
    }

    void invalidate() {
        tokenLock.lock();
        try {
            token = null;
        } finally {
            tokenLock.unlock();
        }
    }

    private Token fetchToken() {
        String secret = settings.clientSecret().filter(s -> !s.isBlank()).orElseThrow(() -> new CampaignServiceException.Refused(
                0, null, "clp.internal.client-secret is not set: pipeline-service cannot call campaign-service"));
        String basic = Base64.getEncoder().encodeToString((urlEncode(settings.clientId()) + ":" + urlEncode(secret))
                .getBytes(StandardCharsets.UTF_8));
        for (int attempt = 1; ; attempt++) {
            HttpResponse<Buffer> response;
            try {
                response = client.postAbs(settings.tokenUrl().toString()).timeout(settings.timeout().toMillis())
                        .putHeader("Authorization", "Basic " + basic)
                        .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials"))
                        .await().atMost(settings.timeout().plusSeconds(1));
            } catch (RuntimeException e) {
                if (attempt >= settings.maxAttempts()) {
                    throw new CampaignServiceException.Unavailable("Keycloak did not issue a service-account token after "
                            + attempt + " attempts: " + describe(e), null);
                }
                LOG.warnf("Keycloak did not answer the token request (attempt %d of %d): %s", attempt, settings.maxAttempts(), describe(e));
                pause(backoff(attempt), null);
                continue;
            }
            int status = response.statusCode();
            if (status == 200) {
                try {
                    JsonNode body = JSON.readTree(response.body().getBytes());
                    String value = body.path("access_token").asText(null);
                    long expiresIn = body.path("expires_in").asLong(60);
                    if (value == null || value.isBlank()) {
                        throw new CampaignServiceException.Refused(status, null, "Keycloak's token answer has no access_token");
                    }
                    // renew a minute early, or halfway through a token shorter-lived than two minutes
                    Duration life = Duration.ofSeconds(Math.max(1, expiresIn));
                    Duration early = life.compareTo(RENEW_BEFORE.multipliedBy(2)) < 0 ? life.dividedBy(2) : RENEW_BEFORE;
                    return new Token(value, clock.instant().plus(life).minus(early));
                } catch (java.io.IOException e) {
                    throw new CampaignServiceException.Refused(status, null, "Keycloak's token answer is not JSON");
                }
            }
            // 408 (the request timed out at the server) and 425 (too early) say "try again" as much as a 429 or a 503
            if (status == 408 || status == 425 || status == 429 || status >= 500) {
                if (attempt >= settings.maxAttempts()) {
                    throw new CampaignServiceException.Unavailable("Keycloak answered " + status + " to the token request after "
                            + attempt + " attempts", null);
                }
                pause(backoff(attempt), response.getHeader("Retry-After"));
                continue;
            }
            throw refused(status, response, "Keycloak refused the service account " + settings.clientId());
        }
    }

    private Duration backoff(int attempt) {
        long factor = 1L << Math.min(attempt - 1, 6);
        return settings.backoff().multipliedBy(factor);
    }

    private static void pause(Duration backoff, String retryAfter) {
        Duration wait = backoff;
        if (retryAfter != null) {
            try {
                Duration asked = Duration.ofSeconds(Long.parseLong(retryAfter.trim()));
                wait = asked.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : asked.compareTo(wait) > 0 ? asked : wait;
            } catch (NumberFormatException ignored) {
                // an HTTP date or garbage: the backoff stands
            }
        }
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CampaignServiceException.Unavailable("interrupted while waiting to retry campaign-service", e);
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (e instanceof TimeoutException || root instanceof TimeoutException
                || root instanceof java.util.concurrent.TimeoutException) {
            return "timed out";
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    private static String urlEncode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
