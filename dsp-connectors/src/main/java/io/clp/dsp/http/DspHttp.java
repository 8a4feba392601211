package io.clp.dsp.http;

import io.clp.dsp.AccountRef;
import io.clp.dsp.DspException;
import io.clp.dsp.RateLimit;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The one way connectors call a DSP: the account's rate limiter (resilience4j), retries of throttling, 5xx and
 * timeouts with exponential backoff that never waits less than the DSP asked (resilience4j Retry with an interval
 * function), an access token from {@link AccessTokens} refreshed once when the DSP says it expired, and a typed
 * {@link DspException} when nothing helps. Thread-safe; one instance per connector set.
 */
public final class DspHttp {

    private static final Logger LOG = Logger.getLogger(DspHttp.class);

    /** API calls carry credentials: never follows a redirect, which would carry them to wherever it points. */
    private final HttpClient client;
    /** Token-less downloads by signed URL, which often redirect to an object store. */
    private final HttpClient downloads;
    private final Duration requestTimeout;
    private final AccessTokens tokens;
    private final Map<String, LimiterEntry> limiters = new ConcurrentHashMap<>();

    private record LimiterEntry(RateLimit config, RateLimiter limiter) {
    }

    public DspHttp(HttpClient client, HttpClient downloads, Duration requestTimeout, Clock clock) {
        this.client = client;
        this.downloads = downloads;
        this.requestTimeout = requestTimeout;
        this.tokens = new AccessTokens(clock);
    }

    public static DspHttp create(Duration connectTimeout, Duration requestTimeout) {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        HttpClient downloads = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        return new DspHttp(client, downloads, requestTimeout, Clock.systemUTC());
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public AccessTokens tokens() {
        return tokens;
    }

    /**
     * Sends a request that needs no token (token endpoints, downloads by signed URL). {@code request} is called for
     * every attempt so each gets a fresh body publisher.
     */
    public HttpResponse<String> send(AccountRef account, Supplier<HttpRequest> request, ResponseClassifier classifier) {
        return withRetry(account, () -> attempt(account, request.get(), classifier));
    }

    /**
     * Sends a request that carries the account's access token: fetched (or cached) with {@code login}, built into the
     * request by {@code request}; when the DSP answers that the token expired, the token is renewed once and the
     * request sent again; a second refusal is {@link DspException.InvalidCredentials}. With delegated credentials the
     * token is never renewed: a refusal is at once {@link DspException.InvalidCredentials#ofExpiredDelegation}.
     */
    public HttpResponse<String> sendAuthorized(AccountRef account, Function<AccountRef, AccessToken> login,
                                               Function<AccessToken, HttpRequest> request, ResponseClassifier classifier) {
        AccessToken token = tokens.get(account, login);
        try {
            return withRetry(account, () -> attempt(account, request.apply(token), classifier));
        } catch (TokenExpired expired) {
            if (account.credentials().delegated()) {
                // a delegated token is used as it is: only the service holding the account's secrets can renew it
                throw DspException.InvalidCredentials.ofExpiredDelegation(account.dsp().label()
                        + " refused the delegated access token for account " + account.externalAccountId());
            }
            tokens.invalidate(account, token);
            AccessToken renewed = tokens.get(account, login);
            try {
                return withRetry(account, () -> attempt(account, request.apply(renewed), classifier));
            } catch (TokenExpired again) {
                tokens.invalidate(account, renewed);
                throw new DspException.InvalidCredentials(account.dsp().label()
                        + " refused a freshly issued access token for account " + account.externalAccountId());
            }
        }
    }

    /**
     * Downloads a report file by a URL the DSP handed out, as a stream (the caller closes it), with the same retries
     * for the connection. {@code credentials} (may be null) adds the account's auth headers, and only when the URL has
     * the scheme, host and port of {@code endpoint}, the DSP's configured API root: a URL on any other host (a signed
     * object-store URL, or whatever a compromised or spoofed answer names) is fetched without them. A request with
     * credentials never follows redirects; a token-less one may.
     */
    public InputStream download(AccountRef account, String url, URI endpoint, UnaryOperator<HttpRequest.Builder> credentials) {
        URI target = reportUrl(account, url);
        boolean authorized = credentials != null && sameOrigin(target, endpoint);
        HttpClient via = authorized ? client : downloads;
        return withRetry(account, () -> {
            HttpRequest.Builder builder = HttpRequest.newBuilder(target).GET();
            HttpRequest request = (authorized ? credentials.apply(builder) : builder).build();
            HttpResponse<InputStream> response = exchange(account, via, request, HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return response.body();
            }
            try (InputStream ignored = response.body()) {
                Outcome outcome = status == 429 ? new Outcome.Throttled(ResponseClassifier.retryAfter(response), "HTTP 429")
                        : status >= 500 ? new Outcome.Unavailable("HTTP " + status) : new Outcome.Rejected("HTTP " + status);
                throw failure(account, outcome, status);
            } catch (IOException e) {
                throw new Retryable(null, new DspException.Unavailable("reading a failed download: " + e.getMessage(), e));
            }
        });
    }

    /** A token-less download by signed URL. */
    public InputStream download(AccountRef account, String url) {
        return download(account, url, null, null);
    }

    /** Same scheme, host and port (default ports made explicit), compared without case. */
    public static boolean sameOrigin(URI a, URI b) {
        return a != null && b != null && a.getScheme() != null && a.getHost() != null
                && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : -1;
    }

    /** A report URL from a DSP's answer: an absolute http(s) URL, else the report is unusable (not a 500). */
    private static URI reportUrl(AccountRef account, String url) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() != null && ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
                return uri;
            }
        } catch (URISyntaxException | NullPointerException e) {
            // answered below
        }
        throw new DspException.ReportFailed(account.dsp().label() + " named a report file location that is not an http(s) URL");
    }

    private HttpResponse<String> attempt(AccountRef account, HttpRequest request, ResponseClassifier classifier) {
        HttpResponse<String> response = exchange(account, client, request, HttpResponse.BodyHandlers.ofString());
        Outcome outcome = classifier.classify(response);
        if (outcome instanceof Outcome.Ok) {
            return response;
        }
        throw failure(account, outcome, response.statusCode());
    }

    private RuntimeException failure(AccountRef account, Outcome outcome, int status) {
        String who = account.dsp().label() + " account " + account.externalAccountId();
        return switch (outcome) {
            case Outcome.Throttled t -> new Retryable(t.retryAfter(),
                    new DspException.RateLimited(who + " is throttled (" + t.reason() + ")", t.retryAfter()));
            case Outcome.Unavailable u -> new Retryable(null, new DspException.Unavailable(who + ": " + u.reason(), null));
            case Outcome.ExpiredToken e -> new TokenExpired();
            case Outcome.Rejected r -> new DspException.Rejected(status, who + " refused the request: " + r.reason());
            case Outcome.Ok ok -> throw new IllegalStateException("not a failure");
        };
    }

    private <T> HttpResponse<T> exchange(AccountRef account, HttpClient client, HttpRequest request,
                                         HttpResponse.BodyHandler<T> handler) {
        acquirePermit(account);
        HttpRequest timed = HttpRequest.newBuilder(request, (name, value) -> true).timeout(requestTimeout).build();
        try {
            return client.send(timed, handler);
        } catch (HttpTimeoutException | ConnectException e) {
            throw new Retryable(null, new DspException.Unavailable(account.dsp().label() + " did not answer in time: "
                    + e.getClass().getSimpleName(), e));
        } catch (IOException e) {
            throw new Retryable(null, new DspException.Unavailable(account.dsp().label() + " connection failed: "
                    + e.getClass().getSimpleName(), e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DspException.Unavailable("interrupted while calling " + account.dsp().label(), e);
        }
    }

    private void acquirePermit(AccountRef account) {
        RateLimiter limiter = limiter(account);
        try {
            RateLimiter.waitForPermission(limiter);
        } catch (RequestNotPermitted e) {
            throw new DspException.RateLimited("no call permitted for " + account.key() + " within "
                    + account.rateLimit().maxWait(), account.rateLimit().maxWait());
        }
    }

    RateLimiter limiter(AccountRef account) {
        RateLimit config = account.rateLimit();
        return limiters.compute(account.key(), (key, current) -> {
            if (current == null || !period(current.config()).equals(period(config))) {
                // a new rate needs a new refresh period, which resilience4j cannot change on a live limiter; the key
                // is this connection's own (scoped), so only its own rate_limit_config can change it
                return new LimiterEntry(config, RateLimiter.of(key, RateLimiterConfig.custom()
                        .limitForPeriod(1)
                        .limitRefreshPeriod(period(config))
                        .timeoutDuration(config.maxWait())
                        .build()));
            }
            if (!current.config().equals(config)) {
                // same pace, other wait or retry settings: adjust the live limiter and keep its pacing
                current.limiter().changeTimeoutDuration(config.maxWait());
                return new LimiterEntry(config, current.limiter());
            }
            return current;
        }).limiter();
    }

    /** One permit per 1/rate seconds rather than a burst of {@code rate} each second: calls spread evenly. */
    private static Duration period(RateLimit config) {
        return Duration.ofNanos(Math.max(1, Math.round(1_000_000_000d / config.requestsPerSecond())));
    }

    private <T> T withRetry(AccountRef account, Supplier<T> call) {
        RateLimit config = account.rateLimit();
        IntervalBiFunction<Object> interval = (attempt, either) -> {
            long backoff = Math.min(config.maxBackoff().toMillis(),
                    config.initialBackoff().toMillis() * (1L << Math.min(20, attempt - 1)));
            Duration asked = either.isLeft() && either.getLeft() instanceof Retryable r ? r.retryAfter : null;
            long wait = asked == null ? backoff : Math.max(asked.toMillis(), backoff);
            LOG.debugf("%s: attempt %d failed, next in %d ms", account.key(), attempt, wait);
            return wait;
        };
        Retry retry = Retry.of(account.key(), RetryConfig.custom()
                .maxAttempts(config.maxRetries() + 1)
                .intervalBiFunction(interval)
                .retryOnException(e -> e instanceof Retryable)
                .failAfterMaxAttempts(false)
                .build());
        try {
            return retry.executeSupplier(call);
        } catch (Retryable exhausted) {
            throw exhausted.failure;
        }
    }

    /** A failure worth another attempt; {@link #failure} is what the caller sees once attempts run out. */
    private static final class Retryable extends RuntimeException {
        final Duration retryAfter;
        final DspException failure;

        Retryable(Duration retryAfter, DspException failure) {
            super(failure.getMessage(), null, false, false);
            this.retryAfter = retryAfter;
            this.failure = failure;
        }
    }

    /** The DSP said the token is no good; handled by {@link #sendAuthorized}. */
    private static final class TokenExpired extends RuntimeException {
        TokenExpired() {
            super("access token expired", null, false, false);
        }
    }
}
