package io.clp.identity.membership;

import io.clp.events.identity.MemberInvited;
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

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class InvitationTest {

    private static String invitations(UUID orgId) {
        return "/api/v1/organizations/" + orgId + "/invitations";
    }

    @Test
    void anInviteeIsCreatedInvitedAndJoinsOnAcceptance() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String email = "Invitee-" + UUID.randomUUID() + "@Example.COM";
        EmittedEvents.Mark mark = EmittedEvents.mark();

        Map<String, Object> invitation = given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON)
                .body("{\"email\": \"" + email + "\", \"role\": \"analyst\"}")
                .when().post(invitations(orgId))
                .then().statusCode(201)
                .body("email", equalTo(email.toLowerCase()))
                .body("status", equalTo("invited"))
                .extract().as(Map.class);
        UUID inviteeId = UUID.fromString((String) invitation.get("userId"));
        Object membershipId = invitation.get("id");
        EmittedEvent invited = EmittedEvents.since(mark).single(MemberInvited.TYPE, membershipId)
                .hasHeaders("identity", "memberships/" + membershipId, orgId, "user:" + admin.id());
        assertThat(invited.field("organizationId")).isEqualTo(orgId.toString());
        assertThat(invited.field("organizationName")).isNotBlank();
        assertThat(invited.field("userId")).isEqualTo(inviteeId.toString());
        assertThat(invited.field("email")).isEqualTo(email.toLowerCase());
        assertThat(invited.field("role")).isEqualTo("analyst");
        assertThat(invited.field("invitedBy")).isEqualTo(admin.id().toString());
        assertThat(invited.field("invitedAt")).isNotBlank();
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.org_memberships WHERE org_id = ? AND user_id = ? AND NOT is_active AND joined_at IS NULL",
                orgId, inviteeId)).isEqualTo(1);

        // until they accept, the invitee is not a member
        User invitee = new User(inviteeId, email.toLowerCase(), Map.of());
        given().auth().oauth2(TestTokens.token(invitee)).when().get("/api/v1/organizations/" + orgId).then().statusCode(404);
        given().auth().oauth2(TestTokens.token(invitee)).when().get("/api/v1/me")
                .then().statusCode(200).body("invitations.id", hasItem(invitation.get("id")));

        // nobody else can accept it
        given().auth().oauth2(TestTokens.token(User.withoutOrganizations()))
                .when().post("/api/v1/invitations/" + invitation.get("id") + "/accept").then().statusCode(404);

        given().auth().oauth2(TestTokens.token(invitee))
                .when().post("/api/v1/invitations/" + invitation.get("id") + "/accept")
                .then().statusCode(200).body("status", equalTo("accepted"));
        EmittedEvent joined = EmittedEvents.since(mark).single(MembershipChanged.TYPE, membershipId)
                .hasHeaders("identity", "memberships/" + membershipId, orgId, "user:" + inviteeId);
        assertThat(joined.field("change")).isEqualTo("joined");
        assertThat(joined.field("userId")).isEqualTo(inviteeId.toString());
        assertThat(joined.field("role")).isEqualTo("analyst");
        assertThat(joined.field("active")).isEqualTo("true");
        given().auth().oauth2(TestTokens.token(invitee)).when().get("/api/v1/organizations/" + orgId)
                .then().statusCode(200);
        given().auth().oauth2(TestTokens.token(invitee)).when().get("/api/v1/me")
                .then().body("organizations.find { it.id == '" + orgId + "' }.role", equalTo("analyst"));
    }

    @Test
    void aSecondInvitationOfTheSamePersonIsAConflictAndABadEmailIsRefused() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String token = TestTokens.token(admin);
        String email = "twice-" + UUID.randomUUID() + "@clp.test";
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"email\": \"" + email + "\", \"role\": \"viewer\"}")
                .when().post(invitations(orgId)).then().statusCode(201);
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"email\": \"" + email + "\", \"role\": \"admin\"}")
                .when().post(invitations(orgId))
                .then().statusCode(409).body("type", equalTo("urn:clp:problem:already-member"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"email\": \"not-an-email\", \"role\": \"viewer\"}")
                .when().post(invitations(orgId))
                .then().statusCode(400).body("errors.field", hasItem("email"));
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE email = 'not-an-email'")).isZero();
    }
}
