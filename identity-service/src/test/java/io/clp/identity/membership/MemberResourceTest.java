package io.clp.identity.membership;

import io.clp.events.identity.MembershipChanged;
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
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class MemberResourceTest {

    private static String members(UUID orgId) {
        return "/api/v1/organizations/" + orgId + "/members";
    }

    @Test
    void listsMembersAndChangesARoleInOneTransactionWithItsEvent() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User dev = IdentityFixtures.memberOf(orgId, "developer");

        given().auth().oauth2(TestTokens.token(admin)).when().get(members(orgId))
                .then().statusCode(200).body("", hasSize(2)).body("role", hasItems("admin", "developer"));

        EmittedEvents.Mark mark = EmittedEvents.mark();
        given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON)
                .body("{\"role\": \"analyst\"}")
                .when().patch(members(orgId) + "/" + dev.id())
                .then().statusCode(200).body("role", equalTo("analyst")).body("active", equalTo(true));
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.org_memberships WHERE org_id = ? AND user_id = ? AND role = 'analyst'",
                orgId, dev.id())).isEqualTo(1);
        EmittedEvent changed = EmittedEvents.since(mark).inOrganization(orgId).ofType(MembershipChanged.TYPE).single();
        changed.hasHeaders("identity", "memberships/" + changed.aggregateId(), orgId, "user:" + admin.id());
        assertThat(changed.aggregateType()).isEqualTo("membership");
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.org_memberships WHERE id = CAST(? AS uuid) AND user_id = ?",
                changed.aggregateId(), dev.id())).isEqualTo(1);
        assertThat(changed.field("organizationId")).isEqualTo(orgId.toString());
        assertThat(changed.field("userId")).isEqualTo(dev.id().toString());
        assertThat(changed.field("change")).isEqualTo("role_changed");
        assertThat(changed.field("role")).isEqualTo("analyst");
        assertThat(changed.field("previousRole")).isEqualTo("developer");
        assertThat(changed.field("active")).isEqualTo("true");
        assertThat(changed.field("changedAt")).isNotBlank();
    }

    @Test
    void theLastActiveAdminCanBeNeitherDemotedNorDeactivatedNorRemoved() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String token = TestTokens.token(admin);

        for (String body : new String[] {"{\"role\": \"viewer\"}", "{\"active\": false}"}) {
            given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                    .when().patch(members(orgId) + "/" + admin.id())
                    .then().statusCode(409).contentType("application/problem+json")
                    .body("type", equalTo("urn:clp:problem:last-admin"));
        }
        given().auth().oauth2(token).when().delete(members(orgId) + "/" + admin.id())
                .then().statusCode(409).body("type", equalTo("urn:clp:problem:last-admin"));
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.org_memberships WHERE org_id = ? AND role = 'admin' AND is_active",
                orgId)).isEqualTo(1);

        // with a second admin, the first may step down
        IdentityFixtures.memberOf(orgId, "admin");
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"role\": \"viewer\"}")
                .when().patch(members(orgId) + "/" + admin.id())
                .then().statusCode(200).body("role", equalTo("viewer"));
    }

    @Test
    void removesAMemberAndAnswersUnknownMembersAndBadRolesWithProblems() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User viewer = IdentityFixtures.memberOf(orgId, "viewer");
        String token = TestTokens.token(admin);

        given().auth().oauth2(token).when().delete(members(orgId) + "/" + viewer.id()).then().statusCode(204);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.org_memberships WHERE org_id = ? AND user_id = ?",
                orgId, viewer.id())).isZero();
        given().auth().oauth2(token).when().delete(members(orgId) + "/" + viewer.id())
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"role\": \"owner\"}")
                .when().patch(members(orgId) + "/" + admin.id())
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("role"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{}")
                .when().patch(members(orgId) + "/" + admin.id())
                .then().statusCode(400).contentType("application/problem+json");
    }
}
