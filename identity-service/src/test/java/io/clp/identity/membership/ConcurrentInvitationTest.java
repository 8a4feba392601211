package io.clp.identity.membership;

import io.clp.events.identity.MembershipChanged;
import io.clp.identity.IdentityFixtures;
import io.clp.identity.Interleaving;
import io.clp.testing.EmittedEvents;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Invitations and their acceptance racing other membership changes; see {@link Interleaving}. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class ConcurrentInvitationTest {

    @BeforeAll
    static void captureEvents() {
        EmittedEvents.start();
    }

    private static Response invite(String token, UUID orgId, String email) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"email\": \"" + email + "\", \"role\": \"viewer\"}")
                .when().post("/api/v1/organizations/" + orgId + "/invitations");
    }

    @Test
    void anInvitationWithdrawnWhileItsAcceptanceWaitsCannotBeAccepted() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String email = "withdrawn-" + UUID.randomUUID() + "@clp.test";
        Map<String, Object> invitation = invite(TestTokens.token(admin), orgId, email).then().statusCode(201).extract().as(Map.class);
        UUID membershipId = UUID.fromString((String) invitation.get("id"));
        User invitee = new User(UUID.fromString((String) invitation.get("userId")), email, Map.of());
        // the invitee has signed in before, so accepting does not need to make their user row
        given().auth().oauth2(TestTokens.token(invitee)).when().get("/api/v1/me").then().statusCode(200);

        CompletableFuture<Response> removal;
        CompletableFuture<Response> acceptance;
        try (Interleaving lock = Interleaving.hold("SELECT id FROM identity.organizations WHERE id = ? FOR UPDATE", orgId)) {
            removal = Interleaving.start(() -> given().auth().oauth2(TestTokens.token(admin))
                    .when().delete("/api/v1/organizations/" + orgId + "/members/" + invitee.id()));
            Interleaving.awaitWaiting(1, removal);
            acceptance = Interleaving.start(() -> given().auth().oauth2(TestTokens.token(invitee))
                    .when().post("/api/v1/invitations/" + membershipId + "/accept"));
            Interleaving.awaitWaiting(2, removal, acceptance);
            lock.release();
        }

        assertThat(removal.join().statusCode()).isEqualTo(204);
        assertThat(acceptance.join().statusCode()).isEqualTo(404);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.org_memberships WHERE id = ?", membershipId)).isZero();
        assertThat(EmittedEvents.published("identity").ofType(MembershipChanged.TYPE).about(membershipId).field("change")).containsExactly("removed");
    }

    @Test
    void twoInvitationsOfTheSameAddressAtOnceAreOneCreatedAndOneConflict() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String token = TestTokens.token(admin);
        String email = "twice-at-once-" + UUID.randomUUID() + "@clp.test";
        CompletableFuture<Response> first;
        CompletableFuture<Response> second;
        // an uncommitted row with the address holds both invitations at the e-mail's unique key
        try (Interleaving row = Interleaving.hold("INSERT INTO identity.users (id, email) VALUES (?, ?)", UUID.randomUUID(), email)) {
            first = Interleaving.start(() -> invite(token, orgId, email));
            second = Interleaving.start(() -> invite(token, orgId, email));
            Interleaving.awaitWaiting(2, first, second);
            row.abandon();
        }

        assertThat(Stream.of(first.join(), second.join()).map(Response::statusCode)).containsExactlyInAnyOrder(201, 409);
        Response conflict = first.join().statusCode() == 409 ? first.join() : second.join();
        assertThat(conflict.contentType()).startsWith("application/problem+json");
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE email = ?", email)).isEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.org_memberships m JOIN identity.users u ON u.id = m.user_id "
                + "WHERE m.org_id = ? AND u.email = ?", orgId, email)).isEqualTo(1);
    }

    @Test
    void theSameAddressInvitedByTwoOrganizationsAtOnceGetsBothInvitations() {
        User firstAdmin = User.withoutOrganizations();
        User secondAdmin = User.withoutOrganizations();
        UUID firstOrg = IdentityFixtures.organizationOf(firstAdmin);
        UUID secondOrg = IdentityFixtures.organizationOf(secondAdmin);
        String email = "popular-" + UUID.randomUUID() + "@clp.test";
        CompletableFuture<Response> first;
        CompletableFuture<Response> second;
        try (Interleaving row = Interleaving.hold("INSERT INTO identity.users (id, email) VALUES (?, ?)", UUID.randomUUID(), email)) {
            first = Interleaving.start(() -> invite(TestTokens.token(firstAdmin), firstOrg, email));
            second = Interleaving.start(() -> invite(TestTokens.token(secondAdmin), secondOrg, email));
            Interleaving.awaitWaiting(2, first, second);
            row.abandon();
        }

        assertThat(first.join().statusCode()).isEqualTo(201);
        assertThat(second.join().statusCode()).isEqualTo(201);
        assertThat(first.join().jsonPath().getString("userId")).isEqualTo(second.join().jsonPath().getString("userId"));
    }
}
