package io.clp.identity.organization;

import io.clp.events.identity.OrganizationQuotasChanged;
import io.clp.testing.EmittedEvent;
import io.clp.testing.EmittedEvents;
import io.clp.identity.IdentityFixtures;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class OperatorResourceTest {

    private static final String OPERATOR = TestTokens.operator(User.withoutOrganizations());

    private static int setStatus(String token, UUID orgId, String status) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"status\": \"" + status + "\", \"reason\": \"unpaid invoice\"}")
                .when().put("/api/v1/operator/organizations/" + orgId + "/status").then().extract().statusCode();
    }

    @Test
    void anOperatorSuspendsAnOrganizationWhoseMembersThenOnlyRead() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String token = TestTokens.token(admin);
        // an organization's own admin is not an operator
        given().auth().oauth2(token).when().get("/api/v1/operator/organizations/" + orgId).then().statusCode(403);
        given().auth().oauth2(OPERATOR).when().get("/api/v1/operator/organizations/" + orgId)
                .then().statusCode(200).body("status", equalTo("trial"));

        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"status\": \"suspended\"}")
                .when().put("/api/v1/operator/organizations/" + orgId + "/status")
                .then().statusCode(200).body("status", equalTo("suspended"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"industry\": \"retail\"}")
                .when().patch("/api/v1/organizations/" + orgId)
                .then().statusCode(409).body("type", equalTo("urn:clp:problem:organization-suspended"));
        given().auth().oauth2(token).when().get("/api/v1/organizations/" + orgId).then().statusCode(200);

        assertThat(setStatus(OPERATOR, orgId, "active")).isEqualTo(200);
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"industry\": \"retail\"}")
                .when().patch("/api/v1/organizations/" + orgId).then().statusCode(200);
    }

    @Test
    void badStatusesUnknownAndDeletedOrganizationsAreRefused() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        assertThat(setStatus(OPERATOR, orgId, "deleted")).isEqualTo(400);
        assertThat(setStatus(OPERATOR, UUID.randomUUID(), "active")).isEqualTo(404);
        given().auth().oauth2(TestTokens.token(admin)).when().delete("/api/v1/organizations/" + orgId).then().statusCode(204);
        assertThat(setStatus(OPERATOR, orgId, "active")).isEqualTo(404);
        given().auth().oauth2(OPERATOR).when().get("/api/v1/operator/organizations/" + orgId).then().statusCode(404);
    }

    @Test
    void anOperatorOverridesQuotasAndMayRestoreThePlanDefault() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String quotas = "/api/v1/operator/organizations/" + orgId + "/quotas";
        User operator = User.withoutOrganizations();
        EmittedEvents.Mark mark = EmittedEvents.mark();
        given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON).body("{\"members\": 100}")
                .when().put(quotas).then().statusCode(403);
        given().auth().oauth2(TestTokens.operator(operator)).contentType(ContentType.JSON).body("{\"members\": 100, \"dsp_accounts\": 40}")
                .when().put(quotas).then().statusCode(204);
        EmittedEvent changed = EmittedEvents.since(mark).single(OrganizationQuotasChanged.TYPE, orgId)
                .hasHeaders("identity", "organizations/" + orgId, orgId, "user:" + operator.id());
        assertThat(changed.payload().at("/limits/members").asInt()).isEqualTo(100);
        assertThat(changed.payload().at("/limits/dsp_accounts").asInt()).isEqualTo(40);
        assertThat(changed.payload().at("/limits/rules").asInt()).isEqualTo(25);
        assertThat(changed.field("plan")).isEqualTo("free");
        assertThat(changed.field("slug")).isNotBlank();
        assertThat(changed.field("changedAt")).isNotBlank();
        given().auth().oauth2(TestTokens.token(admin)).when().get("/api/v1/organizations/" + orgId + "/quotas")
                .then().statusCode(200).body("members.limit", equalTo(100)).body("members.overridden", equalTo(true))
                .body("dsp_accounts.limit", equalTo(40)).body("rules.limit", equalTo(25));

        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"members\": null}")
                .when().put(quotas).then().statusCode(204);
        given().auth().oauth2(TestTokens.token(admin)).when().get("/api/v1/organizations/" + orgId + "/quotas")
                .then().statusCode(200).body("members.limit", equalTo(5)).body("dsp_accounts.limit", equalTo(40));

        for (String bad : new String[]{"{\"seats\": 3}", "{\"rules\": -1}", "{}", "{\"rules\": \"many\"}"}) {
            given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body(bad)
                    .when().put(quotas).then().statusCode(400).contentType("application/problem+json");
        }
    }
}
