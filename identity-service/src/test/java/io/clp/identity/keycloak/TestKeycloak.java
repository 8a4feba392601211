package io.clp.identity.keycloak;

import io.clp.launcher.Archives;
import io.clp.launcher.KeycloakComponent;
import io.clp.launcher.Ports;
import io.clp.launcher.Secrets;
import io.clp.launcher.StackContext;
import io.clp.launcher.StackLayout;
import io.restassured.http.ContentType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/**
 * One real Keycloak per test JVM, started by the launcher's own {@link KeycloakComponent} with the
 * project's realm, on free loopback ports, and stopped when the JVM exits. The unpacked (and built)
 * server is kept between runs under target/; its development database is not, so every run imports
 * the realm afresh.
 */
final class TestKeycloak {

    private static TestKeycloak instance;

    private final StackContext ctx;
    private final KeycloakComponent component;

    private TestKeycloak(StackContext ctx, KeycloakComponent component) {
        this.ctx = ctx;
        this.component = component;
    }

    static synchronized TestKeycloak get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    private static TestKeycloak start() {
        Path home = Path.of(System.getProperty("java.io.tmpdir")).resolve("clp-test-keycloak");
        StackLayout layout = new StackLayout(StackLayout.locateRepoRoot(), home);
        layout.createDirectories();
        Ports ports = new Ports(0, 0, 0, 0, freePort(), freePort(), 0, Map.of());
        StackContext ctx = new StackContext(layout, ports, new Secrets(layout.secretsFile()), Path.of(System.getProperty("java.home")));
        KeycloakComponent keycloak = new KeycloakComponent(ctx);
        keycloak.stop(); // one left behind by a test JVM that was killed
        keycloak.prepare();
        try (var dists = Files.list(layout.data(keycloak.name()))) {
            dists.filter(p -> p.getFileName().toString().startsWith("keycloak-"))
                    .forEach(dist -> Archives.deleteRecursively(dist.resolve("data/h2")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(keycloak::stop));
        TestKeycloak started = new TestKeycloak(ctx, keycloak);
        started.startServer();
        return started;
    }

    private void startServer() {
        component.start();
        // a fresh realm import on a busy machine takes minutes
        long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
        while (!component.healthy()) {
            if (component.process().isEmpty() || System.nanoTime() > deadline) {
                throw new IllegalStateException("test Keycloak did not start; see " + component.log());
            }
            sleep();
        }
    }

    /** Stops Keycloak (an outage): its port refuses connections until {@link #startAgain()}. */
    void stop() {
        component.stop();
    }

    /** Starts the stopped Keycloak again on the same ports and with the same data, and waits until it is healthy. */
    void startAgain() {
        startServer();
    }

    String url() {
        return ctx.keycloakUrl();
    }

    String realmUrl() {
        return ctx.realmUrl();
    }

    /** identity-service's own client secret, as the realm file and the local stack hand it out. */
    String identityClientSecret() {
        return KeycloakComponent.clientSecret(ctx, "identity-service");
    }

    /** A token of the Keycloak administrator, for what a person would do in the admin console. */
    String adminToken() {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password").formParam("client_id", "admin-cli")
                .formParam("username", KeycloakComponent.ADMIN_USER)
                .formParam("password", ctx.secrets().get("keycloak.admin"))
                .when().post(url() + "/realms/master/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }

    String admin(String path) {
        return url() + "/admin/realms/clp" + path;
    }

    /** A Keycloak account with the given id (as a person who signed in once would have). */
    void account(UUID id, String email) {
        given().auth().oauth2(adminToken()).contentType(ContentType.JSON)
                .body(Map.of("ifResourceExists", "SKIP", "users", List.of(Map.of("id", id.toString(), "username", email,
                        "email", email, "enabled", true))))
                .when().post(admin("/partialImport")).then().statusCode(200);
    }

    /** A Keycloak account for the e-mail, with an id of Keycloak's choosing (as a person who signed up would have); returns the id. */
    String account(String email) {
        String location = given().auth().oauth2(adminToken()).contentType(ContentType.JSON)
                .body(Map.of("username", email, "email", email, "enabled", true))
                .when().post(admin("/users")).then().statusCode(201).extract().header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** The accounts whose e-mail is exactly {@code email}, in full. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> accountsWithEmail(String email) {
        return given().auth().oauth2(adminToken()).queryParam("email", email).queryParam("exact", true)
                .when().get(admin("/users")).then().statusCode(200).extract().as(List.class);
    }

    /** The Keycloak organization of a CLP organization, in full, or null. */
    @SuppressWarnings("unchecked")
    Map<String, Object> organization(UUID orgId) {
        List<Map<String, Object>> found = given().auth().oauth2(adminToken())
                .queryParam("q", "clp_org_id:" + orgId).queryParam("briefRepresentation", false)
                .when().get(admin("/organizations")).then().statusCode(200).extract().as(List.class);
        return found.stream().filter(o -> orgId.equals(KeycloakOrganizations.clpOrgId(o))).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    List<String> memberIds(String kcOrgId) {
        List<Map<String, Object>> members = given().auth().oauth2(adminToken()).queryParam("max", 1000)
                .when().get(admin("/organizations/" + kcOrgId + "/members")).then().statusCode(200).extract().as(List.class);
        return members.stream().map(m -> (String) m.get("id")).toList();
    }

    @SuppressWarnings("unchecked")
    List<String> groupMemberIds(String kcOrgId, String groupName) {
        List<Map<String, Object>> groups = given().auth().oauth2(adminToken())
                .when().get(admin("/organizations/" + kcOrgId + "/groups")).then().statusCode(200).extract().as(List.class);
        String group = groups.stream().filter(g -> groupName.equals(g.get("name"))).map(g -> (String) g.get("id")).findFirst().orElseThrow();
        List<Map<String, Object>> members = given().auth().oauth2(adminToken()).queryParam("max", 1000)
                .when().get(admin("/organizations/" + kcOrgId + "/groups/" + group + "/members")).then().statusCode(200)
                .extract().as(List.class);
        return members.stream().map(m -> (String) m.get("id")).toList();
    }

    void removeMember(String kcOrgId, UUID userId) {
        given().auth().oauth2(adminToken()).when().delete(admin("/organizations/" + kcOrgId + "/members/" + userId))
                .then().statusCode(204);
    }

    /** The Keycloak client with this client id, or null. */
    @SuppressWarnings("unchecked")
    Map<String, Object> client(String clientId) {
        List<Map<String, Object>> found = given().auth().oauth2(adminToken()).queryParam("clientId", clientId)
                .when().get(admin("/clients")).then().statusCode(200).extract().as(List.class);
        return found.stream().filter(c -> clientId.equals(c.get("clientId"))).findFirst().orElse(null);
    }

    void deleteClient(String clientId) {
        Map<String, Object> client = client(clientId);
        given().auth().oauth2(adminToken()).when().delete(admin("/clients/" + client.get("id"))).then().statusCode(204);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
