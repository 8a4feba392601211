package io.clp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.clp.launcher.KeycloakComponent;
import io.clp.launcher.Stack;
import io.clp.launcher.StackContext;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * pipeline-service's service account against the real pair (docs/adr/0012-internal-service-calls.md): Keycloak issues
 * {@code clp-pipeline-service} a client-credentials token for the audience clp-internal with the internal role and
 * nothing of the public API; campaign-service accepts it on /internal/v1 only, refuses a person's token there,
 * resolves and creates a daily file's names path idempotently, and mints short-lived DSP access that no cache keeps.
 */
@Order(1)
class InternalCallsEndToEndTest {

    private static StackContext ctx;
    private static StackClient client;
    private static String orgId;
    private static String accountId;
    private static String admin;

    @BeforeAll
    static void startStack() {
        Stack stack = LocalStack.get();
        ctx = stack.context();
        client = new StackClient(ctx);
        String slug = "internal-" + UUID.randomUUID().toString().substring(0, 8);
        orgId = given().auth().oauth2(client.demoToken()).contentType(ContentType.JSON)
                .body("{\"name\": \"Internal calls\", \"slug\": \"" + slug + "\"}")
                .when().post(client.service("identity", "/organizations")).then().statusCode(201).extract().path("id");
        client.awaitKnownTo(orgId, "campaign");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            admin = client.demoToken();
            return StackClient.hasRole(admin, orgId, "admin");
        });
        accountId = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("dspType", "meta", "externalAccountId", "act_2000001",
                        "credentials", Map.of("access_token", "clp-sim-meta-token")))
                .when().post(client.service("campaign", "/organizations/" + orgId + "/dsp-accounts"))
                .then().statusCode(201).extract().path("id");
    }

    private static String serviceToken() {
        return given().contentType(ContentType.URLENC)
                .auth().preemptive().basic(KeycloakComponent.PIPELINE_CLIENT,
                        KeycloakComponent.clientSecret(ctx, KeycloakComponent.PIPELINE_CLIENT))
                .formParam("grant_type", "client_credentials")
                .when().post(ctx.realmUrl() + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }

    private static String internal(String path) {
        return "http://127.0.0.1:" + ctx.ports().service("campaign") + "/internal/v1/organizations/" + orgId + path;
    }

    @Test
    void keycloakIssuesTheServiceAccountAnInternalTokenOnly() {
        JsonNode claims = StackClient.claims(serviceToken());
        assertThat(claims.path("aud").toString()).contains("clp-internal").doesNotContain("clp-api");
        assertThat(claims.path("azp").asText()).isEqualTo(KeycloakComponent.PIPELINE_CLIENT);
        assertThat(claims.path("realm_access").path("roles").toString()).contains("clp-internal:campaign.read")
                .doesNotContain("clp-operator").doesNotContain("admin");
        assertThat(claims.has("organization")).isFalse();
        // it opens none of the public API, and a person's token opens none of the internal one
        given().auth().oauth2(serviceToken()).when().get(client.service("campaign", "/organizations/" + orgId + "/dsp-accounts"))
                .then().statusCode(401);
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("createUnknown", false, "keys", List.of(Map.of("campaign", "x"))))
                .when().post(internal("/entity-resolutions")).then().statusCode(401);
    }

    @Test
    void aFilesNamesPathIsCreatedOnceAndResolvedAfterwards() {
        Map<String, Object> body = Map.of("dspAccountId", accountId, "createUnknown", true,
                "keys", List.of(Map.of("campaign", "E2E brand", "insertionOrder", "Strategy", "lineItem", "Placement",
                        "creative", "Banner")));
        Response first = given().auth().oauth2(serviceToken()).contentType(ContentType.JSON).body(body)
                .when().post(internal("/entity-resolutions"));
        first.then().statusCode(200);
        assertThat(first.<String>path("results[0].creativeId")).isNotNull();
        assertThat(first.<String>path("results[0].currency")).isEqualTo("USD");
        Response again = given().auth().oauth2(serviceToken()).contentType(ContentType.JSON)
                .body(Map.of("createUnknown", false, "keys", List.of(Map.of("campaign", "E2E brand", "insertionOrder",
                        "Strategy", "lineItem", "Placement", "creative", "Banner"))))
                .when().post(internal("/entity-resolutions"));
        again.then().statusCode(200);
        assertThat(again.<String>path("results[0].creativeId")).isEqualTo(first.<String>path("results[0].creativeId"));
        // the created campaign is a real one: the organization's users see it
        given().auth().oauth2(admin).when().get(client.service("campaign", "/organizations/" + orgId + "/campaigns/"
                + first.<String>path("results[0].campaignId"))).then().statusCode(200);
    }

    @Test
    void shortLivedDspAccessIsMintedAndNotCached() {
        Response minted = given().auth().oauth2(serviceToken()).when().post(internal("/dsp-accounts/" + accountId + "/delegated-access"));
        Assumptions.assumeFalse(minted.statusCode() == 501, "Meta's connector does not delegate access yet");
        minted.then().statusCode(200);
        assertThat(minted.header("Cache-Control")).contains("no-store");
        assertThat(minted.<String>path("dsp")).isEqualTo("meta");
        assertThat(minted.<String>path("externalAccountId")).isEqualTo("act_2000001");
        assertThat(minted.<Map<String, String>>path("credentials")).isNotEmpty();
        assertThat(minted.<String>path("expiresAt")).isNotBlank();
    }
}
