package io.clp.e2e;

import io.clp.launcher.Component;
import io.clp.launcher.Stack;
import io.clp.launcher.StackContext;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * identity-service's Keycloak mirror survives Keycloak being away (the change commits and is
 * mirrored once Keycloak is back) and the reconciler repairs drift made in Keycloak by hand.
 */
@Order(1)
class KeycloakMirrorResilienceTest {

    private static Stack stack;
    private static StackContext ctx;

    private static StackClient client;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.get();
        ctx = stack.context();
        client = new StackClient(ctx);
    }

    private boolean demoIsAdminOf(String orgId) {
        return StackClient.hasRole(client.demoToken(), orgId, "admin");
    }

    @Test
    void anOrganizationCreatedWhileKeycloakIsDownIsMirroredOnceItIsBackAndDriftIsRepaired() throws Exception {
        String token = client.demoToken();
        String subject = StackClient.claims(token).get("sub").asText();
        Component keycloak = stack.component("keycloak").orElseThrow();

        keycloak.stop();
        String slug = "offline-" + UUID.randomUUID().toString().substring(0, 8);
        String orgId = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"name\": \"Made offline\", \"slug\": \"" + slug + "\"}")
                .when().post(client.service("identity", "/organizations"))
                .then().statusCode(201).extract().path("id");

        keycloak.start();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(keycloak::healthy);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).until(() -> demoIsAdminOf(orgId));

        // drift: someone takes the demo user out of the organization in Keycloak by hand
        String admin = client.keycloakAdminToken();
        String realm = ctx.keycloakUrl() + "/admin/realms/clp";
        List<Map<String, Object>> orgs = given().auth().oauth2(admin).queryParam("q", "clp_org_id:" + orgId)
                .when().get(realm + "/organizations").then().statusCode(200).extract().as(List.class);
        given().auth().oauth2(admin).when().delete(realm + "/organizations/" + orgs.get(0).get("id") + "/members/" + subject)
                .then().statusCode(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> !demoIsAdminOf(orgId));

        // the reconciler puts them back
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(3)).until(() -> demoIsAdminOf(orgId));
    }
}
