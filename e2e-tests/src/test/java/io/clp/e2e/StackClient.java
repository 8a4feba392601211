package io.clp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.launcher.KeycloakComponent;
import io.clp.launcher.StackContext;
import io.restassured.http.ContentType;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.UUID;
import java.io.UncheckedIOException;
import java.util.Base64;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** What the end-to-end tests ask of the running stack: logins, tokens and service addresses. */
final class StackClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final StackContext ctx;

    StackClient(StackContext ctx) {
        this.ctx = ctx;
    }

    String service(String name, String path) {
        return "http://127.0.0.1:" + ctx.ports().service(name) + "/api/v1" + path;
    }

    /** A user's access token naming all their organizations (scope organization:*). */
    String login(String username, String password) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password").formParam("client_id", "clp-cli")
                .formParam("username", username).formParam("password", password)
                .formParam("scope", "openid organization:*")
                .when().post(ctx.realmUrl() + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }

    String demoToken() {
        return login(KeycloakComponent.DEMO_USER, KeycloakComponent.demoPassword(ctx));
    }

    /** The token of a person who signs in but belongs to no organization (a new account, made as an administrator would). */
    String outsiderToken() {
        String username = "outsider-" + UUID.randomUUID().toString().substring(0, 8);
        String password = UUID.randomUUID().toString();
        given().auth().oauth2(keycloakAdminToken()).contentType(ContentType.JSON)
                .body(Map.of("username", username, "email", username + "@clp.local", "firstName", "Out", "lastName", "Sider",
                        "enabled", true, "emailVerified", true,
                        "credentials", List.of(Map.of("type", "password", "value", password, "temporary", false))))
                .when().post(ctx.keycloakUrl() + "/admin/realms/clp/users").then().statusCode(201);
        return login(username, password);
    }

    /** A token of the Keycloak administrator, for what a person would do in the admin console. */
    String keycloakAdminToken() {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password").formParam("client_id", "admin-cli")
                .formParam("username", KeycloakComponent.ADMIN_USER)
                .formParam("password", ctx.secrets().get("keycloak.admin"))
                .when().post(ctx.keycloakUrl() + "/realms/master/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }

    /**
     * Does what an invitee would do through Keycloak's e-mail actions (choose a password, verify the
     * address, fill in the profile), as a Keycloak administrator, since no mailbox is in these tests.
     * Waits for the mirror to create the account for the e-mail; returns its subject (Keycloak's id).
     */
    @SuppressWarnings("unchecked")
    String activateInvitee(String email, String password) {
        String admin = keycloakAdminToken();
        String usersUrl = ctx.keycloakUrl() + "/admin/realms/clp/users";
        AtomicReference<String> subject = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            List<Map<String, Object>> found = given().auth().oauth2(admin).queryParam("email", email).queryParam("exact", true)
                    .get(usersUrl).then().statusCode(200).extract().as(List.class);
            found.stream().findFirst().ifPresent(u -> subject.set((String) u.get("id")));
            return subject.get() != null;
        });
        String user = usersUrl + "/" + subject.get();
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("type", "password", "value", password, "temporary", false))
                .when().put(user + "/reset-password").then().statusCode(204);
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("requiredActions", List.of(), "emailVerified", true, "firstName", "Ana", "lastName", "Lyst"))
                .when().put(user).then().statusCode(204);
        return subject.get();
    }

    /** Runs a statement as the database superuser (data that no API writes yet). */
    int execute(String sql, Object... args) {
        return withStatement(sql, args, PreparedStatement::executeUpdate);
    }

    /**
     * Waits until each named service's read model knows the organization (services fail closed: an
     * organization they have not heard of is not found, and nothing of it can be created). It arrives
     * through identity's state topic about a second after identity committed it.
     */
    void awaitKnownTo(String orgId, String... services) {
        for (String service : services) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> queryText(
                    "SELECT status FROM " + service + ".organization_refs WHERE org_id = CAST(? AS uuid)", orgId) != null);
        }
    }

    /**
     * A new organization created through identity's API by the demo user (who becomes its admin), once the named
     * services know it; its id.
     */
    String newOrganization(String slugPrefix, String... knownTo) {
        String slug = slugPrefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        String orgId = given().auth().oauth2(demoToken()).contentType(ContentType.JSON)
                .body("{\"name\": \"Media team\", \"slug\": \"" + slug + "\"}")
                .when().post(service("identity", "/organizations")).then().statusCode(201).extract().path("id");
        awaitKnownTo(orgId, knownTo);
        return orgId;
    }

    /** A demo-user token that names the user admin of the organization (Keycloak learns new memberships a moment late). */
    String awaitAdminToken(String orgId) {
        AtomicReference<String> token = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            token.set(demoToken());
            return hasRole(token.get(), orgId, "admin");
        });
        return token.get();
    }

    /** The first column of the first row, as the database superuser. */
    String queryText(String sql, Object... args) {
        return withStatement(sql, args, ps -> {
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        });
    }

    private interface Statement<T> {
        T run(PreparedStatement ps) throws SQLException;
    }

    private <T> T withStatement(String sql, Object[] args, Statement<T> statement) {
        try (Connection c = DriverManager.getConnection(ctx.jdbcUrl(), "postgres", ctx.secrets().get("db.superuser"));
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return statement.run(ps);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Gives a user a realm role, as a Keycloak administrator would. */
    void grantRealmRole(String userId, String role) {
        String admin = keycloakAdminToken();
        String realm = ctx.keycloakUrl() + "/admin/realms/clp";
        Map<?, ?> representation = given().auth().oauth2(admin).get(realm + "/roles/" + role)
                .then().statusCode(200).extract().as(Map.class);
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(List.of(representation))
                .post(realm + "/users/" + userId + "/role-mappings/realm").then().statusCode(204);
    }

    static JsonNode claims(String token) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The organization entry of the token for a CLP organization id, or a missing node. */
    static JsonNode organization(String token, String orgId) {
        for (JsonNode org : claims(token).path("organization")) {
            if (org.path("clp_org_id").toString().contains(orgId)) {
                return org;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static boolean hasRole(String token, String orgId, String role) {
        return organization(token, orgId).path("realm_access").path("roles").toString().contains("\"" + role + "\"");
    }
}
