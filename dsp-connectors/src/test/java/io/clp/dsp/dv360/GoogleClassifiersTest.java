package io.clp.dsp.dv360;

import io.clp.dsp.DspException;
import io.clp.dsp.http.Outcome;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class GoogleClassifiersTest {

    public static HttpResponse<String> response(int status, String body, Map<String, List<String>> headers) {
        return new HttpResponse<>() {
            public int statusCode() { return status; }
            public HttpRequest request() { return HttpRequest.newBuilder(URI.create("http://dsp")).build(); }
            public Optional<HttpResponse<String>> previousResponse() { return Optional.empty(); }
            public HttpHeaders headers() { return HttpHeaders.of(headers, (a, b) -> true); }
            public String body() { return body; }
            public Optional<SSLSession> sslSession() { return Optional.empty(); }
            public URI uri() { return URI.create("http://dsp"); }
            public HttpClient.Version version() { return HttpClient.Version.HTTP_1_1; }
        };
    }

    @Test
    void aFractionalRetryDelayIsTheWait() {
        Outcome o = GoogleClassifiers.classify(response(429, """
                {"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"slow down","details":[
                {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"2.5s"}]}}""", Map.of()), false, Clock.systemUTC());

        assertThat(o).isEqualTo(new Outcome.Throttled(Duration.ofMillis(2500), "HTTP 429 RESOURCE_EXHAUSTED"));
    }

    @Test
    void withoutARetryDelayARetryAfterHeaderIsTheWait() {
        Outcome o = GoogleClassifiers.classify(response(429, "{\"error\":{\"code\":429}}",
                Map.of("Retry-After", List.of("3"))), false, Clock.systemUTC());

        assertThat(((Outcome.Throttled) o).retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aForbiddenBidManagerCallWithoutAQuotaReasonIsRejected() {
        Outcome o = GoogleClassifiers.classify(response(403, """
                {"error":{"code":403,"status":"PERMISSION_DENIED","message":"The caller does not have permission"}}""",
                Map.of()), true, Clock.systemUTC());

        assertThat(o).isInstanceOf(Outcome.Rejected.class);
    }

    @Test
    void bidManagersDailyLimitWaitsUntilMidnightPacific() {
        Clock sixPmPacific = Clock.fixed(Instant.parse("2026-03-02T02:00:00Z"), ZoneOffset.UTC); // 18:00 PST on Mar 1

        assertThatThrownBy(() -> GoogleClassifiers.classify(response(403, """
                {"error":{"code":403,"status":"PERMISSION_DENIED","message":"quota",
                "errors":[{"reason":"dailyLimitExceeded","domain":"usageLimits"}]}}""", Map.of()), true, sixPmPacific))
                .isInstanceOfSatisfying(DspException.RateLimited.class,
                        e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofHours(6)));
    }

    @Test
    void googlesErrorMessageNeverReachesTheFailureReason() {
        String body = """
                {"error":{"code":400,"status":"INVALID_ARGUMENT","message":"bad pageToken ya29.secretTOKENvalue1234 Bearer abc"}}""";
        Outcome outcome = GoogleClassifiers.classify(response(400, body, Map.of()), false, Clock.systemUTC());
        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected) outcome).reason()).doesNotContain("ya29").doesNotContain("Bearer").contains("INVALID_ARGUMENT");
    }
}
