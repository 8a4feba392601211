package io.clp.dsp.http;

import com.sun.net.httpserver.HttpServer;
import io.clp.dsp.AccountRef;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspCredentials;
import io.clp.dsp.DspException;
import io.clp.dsp.RateLimit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DspHttpRedirectTest {

    static final RateLimit FAST = new RateLimit(1_000, Duration.ofSeconds(5), 0, Duration.ofMillis(10), Duration.ofMillis(10));
    final AccountRef account = new AccountRef(Dsp.DV360, "123", new DspCredentials(Map.of("k", "v")), FAST);
    final DspHttp http = DspHttp.create(Duration.ofSeconds(2), Duration.ofSeconds(2));
    final List<String> seenAuthorization = new CopyOnWriteArrayList<>();
    final List<String> otherHostPaths = new CopyOnWriteArrayList<>();
    HttpServer api;
    HttpServer otherHost;

    @AfterEach
    void stop() {
        if (api != null) {
            api.stop(0);
        }
        if (otherHost != null) {
            otherHost.stop(0);
        }
    }

    void start() throws IOException {
        otherHost = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        otherHost.createContext("/", ex -> {
            otherHostPaths.add(ex.getRequestURI().getPath());
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String ttd = ex.getRequestHeaders().getFirst("TTD-Auth");
            seenAuthorization.add(auth == null && ttd == null ? "none" : "auth");
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        otherHost.start();
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", ex -> {
            ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + otherHost.getAddress().getPort() + "/elsewhere");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        api.start();
    }

    URI api(String path) {
        return URI.create("http://127.0.0.1:" + api.getAddress().getPort() + path);
    }

    @Test
    void anAuthorizedCallRedirectedToAnotherHostIsNotFollowedWithTheToken() throws IOException {
        start();
        assertThatThrownBy(() -> http.sendAuthorized(account, a -> new AccessToken("secret-token", null),
                token -> HttpRequest.newBuilder(api("/v1/thing")).header("Authorization", "Bearer " + token.value()).GET().build(),
                ResponseClassifier.standard()))
                .isInstanceOf(DspException.Rejected.class);
        assertThat(seenAuthorization).doesNotContain("auth");
        assertThat(otherHostPaths).isEmpty();
    }

    @Test
    void aReportUrlOnAnotherHostIsDownloadedWithoutCredentials() throws IOException {
        start();
        String url = "http://127.0.0.1:" + otherHost.getAddress().getPort() + "/files/report.csv";
        try (InputStream in = http.download(account, url, api("/ttd"), b -> b.header("TTD-Auth", "secret-token"))) {
            assertThat(in.readAllBytes()).isNotEmpty();
        }
        assertThat(seenAuthorization).containsExactly("none");
    }

    @Test
    void aReportUrlThatIsNotHttpIsAReportFailureNotACrash() {
        assertThatThrownBy(() -> http.download(account, "file:///etc/passwd"))
                .isInstanceOf(DspException.ReportFailed.class);
        assertThatThrownBy(() -> http.download(account, "http://bad host/x"))
                .isInstanceOf(DspException.ReportFailed.class);
    }

    @Test
    void originsCompareSchemeHostAndPort() {
        assertThat(DspHttp.sameOrigin(URI.create("https://api.thetradedesk.com/v3/x"), URI.create("https://API.thetradedesk.com:443"))).isTrue();
        assertThat(DspHttp.sameOrigin(URI.create("http://api.thetradedesk.com/v3/x"), URI.create("https://api.thetradedesk.com"))).isFalse();
        assertThat(DspHttp.sameOrigin(URI.create("https://api.thetradedesk.com.evil.example/x"), URI.create("https://api.thetradedesk.com"))).isFalse();
        assertThat(DspHttp.sameOrigin(URI.create("https://api.thetradedesk.com:8443/x"), URI.create("https://api.thetradedesk.com"))).isFalse();
    }
}
