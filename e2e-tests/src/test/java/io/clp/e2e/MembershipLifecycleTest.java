package io.clp.e2e;

import io.clp.launcher.KeycloakComponent;
import io.clp.launcher.StackContext;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * With real Keycloak: an admin invites someone, the invitee logs in and accepts, their token names
 * the organization with the invited role, another service allows or refuses them as that role says,
 * and after a role change and a token refresh the new role holds.
 */
@Order(1)
class MembershipLifecycleTest {

    private static StackContext ctx;

    private static StackClient client;

    @BeforeAll
    static void startStack() {
        ctx = LocalStack.get().context();
        client = new StackClient(ctx);
    }

    private String identity(String path) {
        return client.service("identity", path);
    }

    private String audit(String path) {
        return client.service("audit", path);
    }

    @Test
    void anInviteeLogsInWithTheInvitedRoleAndARoleChangeHoldsAfterRefresh() throws Exception {
        String adminToken = client.demoToken();
        String slug = "team-" + UUID.randomUUID().toString().substring(0, 8);
        String orgId = given().auth().oauth2(adminToken).contentType(ContentType.JSON)
                .body("{\"name\": \"Team\", \"slug\": \"" + slug + "\"}")
                .when().post(identity("/organizations")).then().statusCode(201).extract().path("id");
        client.awaitKnownTo(orgId, "audit");

        String email = "analyst-" + UUID.randomUUID().toString().substring(0, 8) + "@clp.test";
        Map<String, Object> invitation = given().auth().oauth2(adminToken).contentType(ContentType.JSON)
                .body("{\"email\": \"" + email + "\", \"role\": \"analyst\"}")
                .when().post(identity("/organizations/" + orgId + "/invitations"))
                .then().statusCode(201).extract().as(Map.class);
        String inviteeId = (String) invitation.get("userId");

        // the mirror creates the invitee's Keycloak account for the e-mail, with an id of Keycloak's choosing
        String subject = client.activateInvitee(email, "Invitee-pass-1");
        assertThat(subject).isNotEqualTo(inviteeId);
        String inviteeToken = client.login(email, "Invitee-pass-1");
        assertThat(StackClient.claims(inviteeToken).get("sub").asText()).isEqualTo(subject);

        // their first call binds the invitation's user row to their subject by the verified e-mail
        given().auth().oauth2(inviteeToken).when().post(identity("/invitations/" + invitation.get("id") + "/accept"))
                .then().statusCode(200).body("status", equalTo("accepted")).body("userId", equalTo(subject));

        // after acceptance, a fresh token names the organization with the analyst role
        AtomicReference<String> analyst = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            String fresh = client.login(email, "Invitee-pass-1");
            analyst.set(fresh);
            return StackClient.hasRole(fresh, orgId, "analyst");
        });
        // audit-service allows an analyst to read the trail
        given().auth().oauth2(analyst.get()).when().get(audit("/organizations/" + orgId + "/audit-logs"))
                .then().statusCode(200);

        // the admin makes them a viewer; after a refresh the new role holds everywhere
        given().auth().oauth2(adminToken).contentType(ContentType.JSON).body("{\"role\": \"viewer\"}")
                .when().patch(identity("/organizations/" + orgId + "/members/" + subject))
                .then().statusCode(200).body("role", equalTo("viewer"));
        AtomicReference<String> viewer = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            String fresh = client.login(email, "Invitee-pass-1");
            viewer.set(fresh);
            return StackClient.hasRole(fresh, orgId, "viewer") && !StackClient.hasRole(fresh, orgId, "analyst");
        });
        given().auth().oauth2(viewer.get()).when().get(audit("/organizations/" + orgId + "/audit-logs"))
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(viewer.get()).when().get(identity("/organizations/" + orgId))
                .then().statusCode(200);
    }

    @Test
    void someoneWithAKeycloakAccountBeforeTheInvitationSignsInWithItAndJoins() {
        // the person's account exists before CLP knows them, with a subject of Keycloak's choosing
        String email = "existing-" + UUID.randomUUID().toString().substring(0, 8) + "@clp.test";
        String location = given().auth().oauth2(client.keycloakAdminToken()).contentType(ContentType.JSON)
                .body(Map.of("username", email, "email", email, "emailVerified", true, "enabled", true,
                        "firstName", "Ex", "lastName", "Isting",
                        "credentials", List.of(Map.of("type", "password", "value", "Existing-pass-1", "temporary", false))))
                .when().post(ctx.keycloakUrl() + "/admin/realms/clp/users")
                .then().statusCode(201).extract().header("Location");
        String subject = location.substring(location.lastIndexOf('/') + 1);

        String adminToken = client.demoToken();
        String orgId = given().auth().oauth2(adminToken).contentType(ContentType.JSON)
                .body("{\"name\": \"Bound\", \"slug\": \"bound-" + UUID.randomUUID().toString().substring(0, 8) + "\"}")
                .when().post(identity("/organizations")).then().statusCode(201).extract().path("id");
        Map<String, Object> invitation = given().auth().oauth2(adminToken).contentType(ContentType.JSON)
                .body("{\"email\": \"" + email + "\", \"role\": \"developer\"}")
                .when().post(identity("/organizations/" + orgId + "/invitations"))
                .then().statusCode(201).extract().as(Map.class);
        assertThat(invitation.get("userId")).isNotEqualTo(subject);

        // their first call binds the invitation's user row to their own subject by the verified e-mail
        String token = client.login(email, "Existing-pass-1");
        given().auth().oauth2(token).when().get(identity("/me"))
                .then().statusCode(200).body("id", equalTo(subject)).body("invitations[0].id", equalTo(invitation.get("id")));
        given().auth().oauth2(token).when().post(identity("/invitations/" + invitation.get("id") + "/accept"))
                .then().statusCode(200).body("userId", equalTo(subject));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> StackClient.hasRole(client.login(email, "Existing-pass-1"), orgId, "developer"));
    }
}
