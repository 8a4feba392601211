package io.clp.identity.organization;

import io.clp.events.identity.OrganizationQuotasChanged;
import io.clp.events.identity.OrganizationUpdated;
import io.clp.identity.IdentityFixtures;
import io.clp.testing.EmittedEvents;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** Plans are the operators' decision: organizations start on the free plan and their admins cannot pick another. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class PlanOwnershipTest {

    private static final String OPERATOR = TestTokens.operator(User.withoutOrganizations());

    @BeforeAll
    static void captureEvents() {
        EmittedEvents.start();
    }

    private static String plan(UUID orgId) {
        return "/api/v1/operator/organizations/" + orgId + "/plan";
    }

    @Test
    void creatingAnOrganizationWithAPlanIsRefusedNamingTheFieldAndWritesNothing() {
        User admin = User.withoutOrganizations();
        String slug = "plan-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON)
                .body("{\"name\": \"Greedy\", \"slug\": \"" + slug + "\", \"plan\": \"enterprise\"}")
                .when().post("/api/v1/organizations")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:validation"))
                .body("errors.field", hasItem("plan"))
                .body("errors.find { it.field == 'plan' }.message", containsString("operators"));
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.organizations WHERE slug = ?", slug)).isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE id = ?", admin.id())).isZero();
    }

    @Test
    void aNewOrganizationStartsOnTheFreePlan() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        given().auth().oauth2(TestTokens.token(admin)).when().get("/api/v1/organizations/" + orgId)
                .then().statusCode(200).body("plan", equalTo("free"));
        given().auth().oauth2(TestTokens.token(admin)).when().get("/api/v1/organizations/" + orgId + "/quotas")
                .then().statusCode(200).body("members.limit", equalTo(5));
    }

    @Test
    void aPlanIdentityDoesNotKnowCannotBeStoredSoEveryOrganizationRowStaysReadable() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        // the row is read as the Plan enum by every organization-scoped request, the reconciler and the
        // state publication: an unknown label would make them all fail, so the database refuses it
        assertThatThrownBy(() -> TestDatabase.execute("UPDATE identity.organizations SET plan = 'gold' WHERE id = ?", orgId))
                .hasStackTraceContaining("organizations_plan_check");
        given().auth().oauth2(TestTokens.token(admin)).when().get("/api/v1/organizations/" + orgId)
                .then().statusCode(200).body("plan", equalTo("free"));
    }

    @Test
    void anAdminCannotChangeThePlanInAPatch() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON)
                .body("{\"industry\": \"retail\", \"plan\": \"enterprise\"}")
                .when().patch("/api/v1/organizations/" + orgId)
                .then().statusCode(400).body("errors.field", hasItem("plan"));
        assertThat(TestDatabase.text("SELECT plan FROM identity.organizations WHERE id = ?", orgId)).isEqualTo("free");
        assertThat(TestDatabase.text("SELECT coalesce(industry, '-') FROM identity.organizations WHERE id = ?", orgId)).isEqualTo("-");
    }

    @Test
    void anOperatorChangesThePlanAndTheQuotasFollowExceptOverriddenOnes() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"rules\": 7}")
                .when().put("/api/v1/operator/organizations/" + orgId + "/quotas").then().statusCode(204);

        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"plan\": \"team\", \"reason\": \"upgraded\"}")
                .when().put(plan(orgId))
                .then().statusCode(200).body("plan", equalTo("team"));

        given().auth().oauth2(TestTokens.token(admin)).when().get("/api/v1/organizations/" + orgId + "/quotas")
                .then().statusCode(200)
                .body("members.limit", equalTo(25)).body("dsp_accounts.limit", equalTo(10))
                .body("rules.limit", equalTo(7)).body("rules.overridden", equalTo(true));
        // the plan change and its quotas share the organization's version, above the override's
        assertThat(EmittedEvents.published("identity").ofType(OrganizationUpdated.TYPE).about(orgId).field("plan")).containsExactly("team");
        assertThat(EmittedEvents.published("identity").ofType(OrganizationQuotasChanged.TYPE).about(orgId).field("plan")).containsExactly("free", "free", "team");
        assertThat(EmittedEvents.published("identity").ofType(OrganizationQuotasChanged.TYPE).about(orgId).field("version")).containsExactly("0", "1", "2");
        assertThat(EmittedEvents.published("identity").ofType(OrganizationUpdated.TYPE).about(orgId).field("version")).containsExactly("2");
    }

    @Test
    void onlyKnownPlansAreAccepted() {
        UUID orgId = IdentityFixtures.organizationOf(User.withoutOrganizations());
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"plan\": \"platinum\"}")
                .when().put(plan(orgId))
                .then().statusCode(400)
                .body("errors.find { it.field == 'plan' }.message", equalTo("must be one of free, team, enterprise"));
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{}")
                .when().put(plan(orgId))
                .then().statusCode(400).body("errors.field", hasItem("plan"));
        assertThat(TestDatabase.text("SELECT plan FROM identity.organizations WHERE id = ?", orgId)).isEqualTo("free");
    }

    @Test
    void anOrganizationsOwnAdminIsNoOperatorAndCannotChangeThePlan() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON).body("{\"plan\": \"enterprise\"}")
                .when().put(plan(orgId))
                .then().statusCode(403).contentType("application/problem+json");
        assertThat(TestDatabase.text("SELECT plan FROM identity.organizations WHERE id = ?", orgId)).isEqualTo("free");
    }

    @Test
    void aDeletedOrganizationsPlanCannotBeChanged() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        given().auth().oauth2(TestTokens.token(admin)).when().delete("/api/v1/organizations/" + orgId).then().statusCode(204);
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"plan\": \"team\"}")
                .when().put(plan(orgId)).then().statusCode(404);
    }
}
