package io.clp.identity.quota;

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
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class QuotaTest {

    private static int invite(String token, UUID orgId) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"email\": \"q-" + UUID.randomUUID() + "@clp.test\", \"role\": \"viewer\"}")
                .when().post("/api/v1/organizations/" + orgId + "/invitations")
                .then().extract().statusCode();
    }

    @Test
    void invitingPastTheMembersQuotaIsAConflictNamingTheQuotaAndWritesNothing() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String token = TestTokens.token(admin);
        // the free plan allows 5 members: the admin plus four invitations
        for (int i = 0; i < 4; i++) {
            assertThat(invite(token, orgId)).isEqualTo(201);
        }
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"email\": \"one-too-many@clp.test\", \"role\": \"viewer\"}")
                .when().post("/api/v1/organizations/" + orgId + "/invitations")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:quota-exceeded"))
                .body("detail", containsString("members quota (5 on plan free)"));
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.org_memberships WHERE org_id = ?", orgId)).isEqualTo(5);

        given().auth().oauth2(token).when().get("/api/v1/organizations/" + orgId + "/quotas")
                .then().statusCode(200)
                .body("members.limit", equalTo(5))
                .body("members.used", equalTo(5))
                .body("api_keys.limit", equalTo(2));
    }

    @Test
    void anOverrideReplacesThePlanDefault() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        TestDatabase.execute("INSERT INTO identity.tenant_quotas (org_id, max_members) VALUES (?, 1)", orgId);
        String token = TestTokens.token(admin);

        assertThat(invite(token, orgId)).isEqualTo(409);
        given().auth().oauth2(token).when().get("/api/v1/organizations/" + orgId + "/quotas")
                .then().statusCode(200)
                .body("members.limit", equalTo(1))
                .body("members.overridden", equalTo(true))
                .body("pipelines.overridden", equalTo(false));
    }
}
