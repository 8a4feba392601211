package io.clp.identity.organization;

import io.clp.events.identity.OrganizationDeleted;
import io.clp.events.identity.OrganizationUpdated;
import io.clp.testing.EmittedEvent;
import io.clp.testing.EmittedEvents;
import io.clp.identity.IdentityFixtures;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
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
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class OrganizationLifecycleTest {

    private static final String ORGS = "/api/v1/organizations/";

    @Test
    void updatesTheProfileAndValidatesSettingsAgainstTheSchema() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String token = TestTokens.token(admin);
        EmittedEvents.Mark mark = EmittedEvents.mark();

        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("""
                        {"name": "Renamed", "monthlyBudget": 1200.00, "currency": "GBP",
                         "settings": {"timezone": "Europe/London", "weekStartsOn": "monday"}}""")
                .when().patch(ORGS + orgId)
                .then().statusCode(200)
                .body("name", equalTo("Renamed"))
                .body("currency", equalTo("GBP"))
                .body("settings.timezone", equalTo("Europe/London"));

        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"settings\": {\"timezone\": \"Mars/Olympus\", \"colour\": \"red\", \"weekStartsOn\": \"friday\"}}")
                .when().patch(ORGS + orgId)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("settings.timezone"))
                .body("errors.field", hasItem("settings.weekStartsOn"))
                .body("errors.field", hasItem("settings.colour"));
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.organizations WHERE id = ? AND settings->>'timezone' = 'Europe/London'",
                orgId)).isEqualTo(1);
        // one event, of the change that was made (the refused one published nothing)
        EmittedEvent updated = EmittedEvents.since(mark).single(OrganizationUpdated.TYPE, orgId)
                .hasHeaders("identity", "organizations/" + orgId, orgId, "user:" + admin.id());
        assertThat(updated.field("name")).isEqualTo("Renamed");
        assertThat(updated.field("currency")).isEqualTo("GBP");
        assertThat(updated.payload().get("monthlyBudget").decimalValue()).isEqualByComparingTo("1200");
        assertThat(updated.field("changed")).contains("\"name\"", "\"currency\"");
        assertThat(updated.field("updatedAt")).isNotBlank();
        assertThat(updated.field("version")).isNotNull();
    }

    @Test
    void theSlugIsImmutable() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON)
                .body("{\"slug\": \"another-slug\"}")
                .when().patch(ORGS + orgId)
                .then().statusCode(400).body("errors.field", hasItem("slug"));
    }

    @Test
    void aDeletedOrganizationIsUnreachable() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String token = TestTokens.token(admin);
        EmittedEvents.Mark mark = EmittedEvents.mark();

        given().auth().oauth2(token).when().delete(ORGS + orgId).then().statusCode(204);
        EmittedEvent deleted = EmittedEvents.since(mark).single(OrganizationDeleted.TYPE, orgId)
                .hasHeaders("identity", "organizations/" + orgId, orgId, "user:" + admin.id());
        assertThat(deleted.field("id")).isEqualTo(orgId.toString());
        assertThat(deleted.field("slug")).isNotBlank();
        assertThat(deleted.field("deletedBy")).isEqualTo(admin.id().toString());
        assertThat(deleted.field("deletedAt")).isNotBlank();

        given().auth().oauth2(token).when().get(ORGS + orgId).then().statusCode(404);
        given().auth().oauth2(token).when().get(ORGS + orgId + "/members").then().statusCode(404);
        given().auth().oauth2(token).when().get("/api/v1/organizations").then().statusCode(200)
                .body("id", not(hasItem(orgId.toString())));
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.organizations WHERE id = ? AND status = 'deleted' AND deleted_at IS NOT NULL",
                orgId)).isEqualTo(1);
    }

    @Test
    void aSuspendedOrganizationCanBeReadButNotChanged() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        TestDatabase.execute("UPDATE identity.organizations SET status = 'suspended' WHERE id = ?", orgId);
        String token = TestTokens.token(admin);

        given().auth().oauth2(token).when().get(ORGS + orgId).then().statusCode(200).body("status", equalTo("suspended"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"name\": \"Changed\"}")
                .when().patch(ORGS + orgId)
                .then().statusCode(409).body("type", equalTo("urn:clp:problem:organization-suspended"));
    }

    @Test
    void meShowsEachOrganizationWithTheRoleAndItsPermissions() {
        User admin = User.withoutOrganizations();
        UUID mine = IdentityFixtures.organizationOf(admin);
        UUID other = IdentityFixtures.organizationOf(User.withoutOrganizations());
        TestDatabase.execute("INSERT INTO identity.org_memberships (org_id, user_id, role) VALUES (?, ?, 'viewer')", other, admin.id());

        given().auth().oauth2(TestTokens.token(admin)).when().get("/api/v1/me")
                .then().statusCode(200)
                .body("id", equalTo(admin.id().toString()))
                .body("organizations.find { it.id == '" + mine + "' }.role", equalTo("admin"))
                .body("organizations.find { it.id == '" + mine + "' }.permissions", hasItem("member:invite"))
                .body("organizations.find { it.id == '" + other + "' }.role", equalTo("viewer"))
                .body("organizations.find { it.id == '" + other + "' }.permissions", not(hasItem("member:invite")));
    }
}
