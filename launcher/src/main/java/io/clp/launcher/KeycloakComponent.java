package io.clp.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Keycloak in development mode on loopback, importing the project's realm
 * ({@code deploy/keycloak/clp-realm.json}) on first start. Secrets referenced by the realm file as
 * {@code ${CLP_...}} are handed to Keycloak through its environment, generated per installation.
 */
public final class KeycloakComponent extends Component {

    public static final String DEMO_USER = "demo";
    public static final String ADMIN_USER = "admin";

    /** pipeline-service's service account for campaign-service's internal API. */
    public static final String PIPELINE_CLIENT = "clp-pipeline-service";

    /**
     * The realm's confidential clients that a CLP process authenticates as, each with its own
     * secret. identity-service calls Keycloak as itself (its admin API); pipeline-service gets
     * service-account tokens ({@code clp-pipeline-service}, client credentials) for campaign-service's
     * internal API (docs/adr/0012). The other services verify tokens locally and exchange API keys
     * with the key's own signed assertion, so they have no client and hold no Keycloak secret.
     */
    public static final List<String> CONFIDENTIAL_CLIENTS = List.of("identity-service", PIPELINE_CLIENT);

    /** The one secret all service clients shared before each client got its own. */
    static final String LEGACY_SHARED_SECRET = "keycloak.service-client";

    public KeycloakComponent(StackContext ctx) {
        super(ctx);
    }

    @Override
    public String name() {
        return "keycloak";
    }

    @Override
    public int port() {
        return ctx.ports().keycloak();
    }

    @Override
    public Duration startTimeout() {
        // the first start builds Keycloak's optimized image and imports the realm
        return Duration.ofSeconds(240);
    }

    /** The unpacked distribution; Keycloak keeps its development database inside it, so it counts as data. */
    private Path home() {
        return ctx.layout().data(name());
    }

    @Override
    public void prepare() {
        Path file = ctx.layout().artifactPathFile("keycloak");
        Path archive;
        try {
            archive = Path.of(Files.readString(file).trim());
        } catch (IOException e) {
            throw new StackException("missing " + file + ": build the project first", e);
        }
        keepLegacySecret();
        Archives.unpackOnce(archive, home(), "Keycloak");
        try {
            // Keycloak's development database holds the realm, its users and client secrets
            Files.setPosixFilePermissions(home(), PrivateFiles.PRIVATE_DIR);
            Path importDir = distRoot().resolve("data/import");
            Files.createDirectories(importDir);
            Files.copy(ctx.layout().repoRoot().resolve("deploy/keycloak/clp-realm.json"),
                    importDir.resolve("clp-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StackException("cannot place the realm for import: " + e.getMessage(), e);
        }
    }

    private boolean hasDatabase() {
        if (!Files.isDirectory(home())) {
            return false;
        }
        try (var list = Files.list(home())) {
            return list.anyMatch(p -> Files.isDirectory(p.resolve("data/h2")));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A realm imported before each client got its own secret still has the shared one, and the
     * realm is imported only into a fresh installation: identity-service keeps using that secret
     * until {@code ./clp reset}, so an existing installation keeps working.
     */
    void keepLegacySecret() {
        String clientKey = secretKey(CONFIDENTIAL_CLIENTS.get(0));
        if (hasDatabase() && ctx.secrets().contains(LEGACY_SHARED_SECRET) && !ctx.secrets().contains(clientKey)) {
            ctx.secrets().put(clientKey, ctx.secrets().get(LEGACY_SHARED_SECRET));
            System.out.println("  keycloak: this realm predates per-client secrets; ./clp reset gives each client its own");
        }
    }

    private Path distRoot() {
        try (var list = Files.list(home())) {
            return list.filter(p -> p.getFileName().toString().startsWith("keycloak-") && Files.isDirectory(p))
                    .findFirst()
                    .orElseThrow(() -> new StackException("no keycloak-* folder in " + home()));
        } catch (IOException e) {
            throw new StackException("cannot read " + home(), e);
        }
    }

    @Override
    protected void spawn() {
        Path root = distRoot();
        List<String> cmd = List.of(root.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + port(),
                "--http-management-host=127.0.0.1",
                "--http-management-port=" + ctx.ports().keycloakManagement(),
                "--health-enabled=true",
                "--import-realm");
        ManagedProcess.spawn(cmd, environment(ctx), root, log(), pidFile());
    }

    static Map<String, String> environment(StackContext ctx) {
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", ctx.javaHome().toString());
        env.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ctx.secrets().get("keycloak.admin"));
        env.put("CLP_DEMO_PASSWORD", demoPassword(ctx));
        for (String client : CONFIDENTIAL_CLIENTS) {
            env.put(secretVariable(client), clientSecret(ctx, client));
        }
        return env;
    }

    /**
     * The variable the realm file names a client's secret by: {@code identity-service} →
     * {@code CLP_IDENTITY_SERVICE_CLIENT_SECRET}, {@code clp-pipeline-service} → {@code CLP_PIPELINE_SERVICE_CLIENT_SECRET}.
     */
    public static String secretVariable(String clientId) {
        String name = clientId.startsWith("clp-") ? clientId.substring(4) : clientId;
        return "CLP_" + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_CLIENT_SECRET";
    }

    /** The installation's secret of one confidential client. */
    public static String clientSecret(StackContext ctx, String clientId) {
        if (!CONFIDENTIAL_CLIENTS.contains(clientId)) {
            throw new IllegalArgumentException("no confidential client " + clientId);
        }
        return ctx.secrets().get(secretKey(clientId));
    }

    private static String secretKey(String clientId) {
        return "keycloak.client." + clientId;
    }

    public static String demoPassword(StackContext ctx) {
        return ctx.secrets().get("keycloak.demo");
    }

    /**
     * The realm is imported only into a fresh installation: a realm role added to {@code deploy/keycloak/clp-realm.json}
     * since (such as {@code client}) is added here, through the admin API as the bootstrap admin, when missing. A
     * realm that cannot be read this way (its admin changed) is left as it is, with a warning.
     */
    @Override
    public void afterHealthy() {
        try {
            ObjectMapper json = new ObjectMapper();
            JsonNode realm = json.readTree(ctx.layout().repoRoot().resolve("deploy/keycloak/clp-realm.json").toFile());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String form = "grant_type=password&client_id=admin-cli&username=" + ADMIN_USER + "&password="
                    + URLEncoder.encode(ctx.secrets().get("keycloak.admin"), StandardCharsets.UTF_8);
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(
                            URI.create(ctx.keycloakUrl() + "/realms/master/protocol/openid-connect/token"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (token.statusCode() != 200) {
                System.out.println("  keycloak: cannot check the realm's roles (admin login answered " + token.statusCode() + ")");
                return;
            }
            String bearer = "Bearer " + json.readTree(token.body()).path("access_token").asText();
            String roles = ctx.keycloakUrl() + "/admin/realms/clp/roles";
            HttpResponse<String> existing = http.send(HttpRequest.newBuilder(URI.create(roles + "?briefRepresentation=true&max=1000"))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (existing.statusCode() != 200) {
                System.out.println("  keycloak: cannot list the realm's roles (" + existing.statusCode() + ")");
                return;
            }
            Set<String> have = new HashSet<>();
            json.readTree(existing.body()).forEach(r -> have.add(r.path("name").asText()));
            for (JsonNode role : realm.path("roles").path("realm")) {
                String name = role.path("name").asText();
                if (have.contains(name) || role.path("composite").asBoolean(false)) {
                    continue;
                }
                Map<String, String> body = Map.of("name", name, "description", role.path("description").asText(""));
                HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(roles)).timeout(Duration.ofSeconds(30))
                        .header("Authorization", bearer).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
                        HttpResponse.BodyHandlers.ofString());
                System.out.println(created.statusCode() / 100 == 2 || created.statusCode() == 409
                        ? "  keycloak: added the realm role " + name + " (the realm was imported before it existed)"
                        : "  keycloak: cannot add the realm role " + name + " (" + created.statusCode() + ")");
            }
        } catch (IOException e) {
            System.out.println("  keycloak: cannot check the realm's roles: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean healthy() {
        return Probes.httpOk("http://127.0.0.1:" + ctx.ports().keycloakManagement() + "/health/ready")
                && Probes.httpOk(ctx.realmUrl() + "/.well-known/openid-configuration");
    }
}
