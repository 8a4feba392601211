package io.clp.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/** What the benches share to act on the running stack as a user would: the demo user's token, its APIs, the database. */
final class BenchClient {

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How many idle connections to one server the JDK keeps alive for {@link HttpURLConnection} ({@code http.maxConnections},
     * read once in a process, when a first connection is kept). Its default, 5, is fewer than the benches' workers have in
     * flight: each answer beyond it would close its connection and the next request open a new one. Connections left
     * unused still close after 5 s idle.
     */
    static final int KEEP_ALIVE_CONNECTIONS = 1024;

    static {
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(KEEP_ALIVE_CONNECTIONS));
        }
    }

    private final StackContext ctx;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    BenchClient(StackContext ctx) {
        this.ctx = ctx;
    }

    Connection superuser() throws SQLException {
        return DriverManager.getConnection(ctx.jdbcUrl(), "postgres", ctx.secrets().get("db.superuser"));
    }

    /** The demo user's token naming all their organizations (what {@code ./clp up} prints the login of). */
    String login() throws Exception {
        String form = "grant_type=password&client_id=clp-cli&scope=" + URLEncoder.encode("openid organization:*", StandardCharsets.UTF_8)
                + "&username=" + KeycloakComponent.DEMO_USER
                + "&password=" + URLEncoder.encode(KeycloakComponent.demoPassword(ctx), StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ctx.realmUrl() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new StackException("the demo user could not sign in: HTTP " + r.statusCode());
        }
        return JSON.readTree(r.body()).path("access_token").asText();
    }

    /** A new organization created by the demo user; returns its id once campaign-service knows it. */
    String newOrganization(String name, String slug) throws Exception {
        String orgId = send("POST", service("identity", "/api/v1/organizations"), login(), java.util.Map.of("name", name, "slug", slug), 201)
                .path("id").asText();
        awaitKnown(orgId);
        return orgId;
    }

    /** campaign-service learns new organizations from Kafka (clp.state.organizations). */
    void awaitKnown(String orgId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Connection c = superuser();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM campaign.organization_refs WHERE org_id = CAST(? AS uuid)")) {
            ps.setString(1, orgId);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new StackException("campaign-service did not learn of the bench's organization within 60 s");
                }
                Thread.sleep(250);
            }
        }
    }

    String simulator(String path) {
        return "http://" + StackContext.LOOPBACK + ":" + ctx.ports().dspSimulator() + path;
    }

    String service(String name, String path) {
        return "http://" + ctx.probeHost() + ":" + ctx.ports().service(name) + path;
    }

    JsonNode send(String method, String url, String token, Object body, int expected) throws Exception {
        HttpResponse<String> r = request(method, url, token, body);
        if (r.statusCode() != expected) {
            throw new StackException(method + " " + url + " answered HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
    }

    HttpResponse<String> request(String method, String url, String token, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An answer to a request about a new organization, and the token that got it. */
    record MemberAnswer(String token, HttpResponse<String> response) {
    }

    /**
     * Sends the request with a freshly signed-in token until the answer is not 403 or 404: a token minted before a new
     * organization reached Keycloak does not name it yet. Returns the first other answer (whatever its status) and the
     * token it was given to; fails once the organization is still refused after 60 s.
     */
    MemberAnswer untilMember(String method, String url, Object body) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            String token = login();
            HttpResponse<String> r = request(method, url, token, body);
            if (r.statusCode() != 403 && r.statusCode() != 404) {
                return new MemberAnswer(token, r);
            }
            if (System.nanoTime() > deadline) {
                throw new StackException(method + " " + url + " still answered HTTP " + r.statusCode()
                        + " after 60 s: the demo user's token does not name the organization: " + r.body());
            }
            Thread.sleep(500);
        }
    }

    /**
     * A GET over HTTP/1.1 whose body is read and discarded; returns its status (a redirect is not followed). The benches'
     * measured reads go through the JDK's {@link HttpURLConnection}, blocking on the worker's own thread, rather than
     * {@link HttpClient}, whose hand-offs between the caller and its selector thread cost two to four times the CPU a
     * request: the load generator shares the machine's cores with the service it measures, and what it spends there is
     * taken from the service (this way about what the JDBC side's driver spends, so that both are measured alike).
     * Connections are kept alive: the body read to its end and the stream closed give the connection back to the JDK's
     * keep-alive cache, where the worker's next request takes an idle one to the same server (the most recently used).
     */
    int getDiscarding(String url, String token) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection(Proxy.NO_PROXY);
        c.setConnectTimeout(10_000);
        c.setReadTimeout(30_000);
        c.setInstanceFollowRedirects(false);
        c.setRequestProperty("Accept", "application/json");
        c.setRequestProperty("Authorization", "Bearer " + token);
        try {
            int status = c.getResponseCode();
            try (InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
                if (body != null) {
                    body.transferTo(OutputStream.nullOutputStream());
                }
            }
            return status;
        } catch (IOException e) {
            c.disconnect();
            throw e;
        }
    }

    /** Pauses or resumes a Kafka Connect connector (its REST API answers 202). */
    void connector(String name, String action) throws Exception {
        send("PUT", "http://" + StackContext.LOOPBACK + ":" + ctx.ports().connect() + "/connectors/" + name + "/" + action,
                null, null, 202);
    }

    /**
     * Resumes the audit trail's connector after a paused run. If that fails the trail stays stopped (and its slot
     * keeps the WAL): the bench says so and how to resume it, and fails unless the run itself already failed (whose
     * error it then leaves to be reported). Returns whether it resumed.
     */
    boolean resumeAuditCapture(java.io.PrintStream out, boolean failBench) throws Exception {
        try {
            connector("clp-cdc", "resume");
            return true;
        } catch (Exception e) {
            out.println("  error: the audit trail's connector clp-cdc is still paused (" + e.getMessage() + "); resume it with "
                    + "curl -X PUT http://" + StackContext.LOOPBACK + ":" + ctx.ports().connect() + "/connectors/clp-cdc/resume");
            if (failBench) {
                throw e;
            }
            return false;
        }
    }
}
