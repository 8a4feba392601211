package io.clp.identity.user;

import io.clp.identity.IdentityFixtures;
import io.clp.identity.Interleaving;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * A person's user row follows their Keycloak subject: an invitation made for their e-mail before
 * they signed in is bound to them by the verified e-mail, whatever subject their account has.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class UserBindingTest {

    /** Invites {@code email} to a new organization; returns the organization id and the invitation. */
    private static Map<String, Object> invite(String email) {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        return given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON)
                .body("{\"email\": \"" + email + "\", \"role\": \"developer\"}")
                .when().post("/api/v1/organizations/" + orgId + "/invitations")
                .then().statusCode(201).extract().as(Map.class);
    }

    private static Response invite(User admin, UUID orgId, String email) {
        return given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON)
                .body("{\"email\": \"" + email + "\", \"role\": \"developer\"}")
                .when().post("/api/v1/organizations/" + orgId + "/invitations");
    }

    private static Response me(String token) {
        return given().auth().oauth2(token).when().get("/api/v1/me");
    }

    @Test
    void anInviteeWhoAlreadyHadAKeycloakAccountIsBoundByTheVerifiedEmailAndCanAccept() {
        String email = "has-account-" + UUID.randomUUID() + "@clp.test";
        Map<String, Object> invitation = invite(email);
        UUID invitedUserId = UUID.fromString((String) invitation.get("userId"));
        String orgId = (String) invitation.get("organizationId");
        // their existing Keycloak account has a subject of its own
        User person = new User(UUID.randomUUID(), email, Map.of());
        assertThat(person.id()).isNotEqualTo(invitedUserId);

        me(TestTokens.token(person)).then().statusCode(200)
                .body("id", equalTo(person.id().toString()))
                .body("email", equalTo(email))
                .body("invitations.id", hasItem(invitation.get("id")));
        given().auth().oauth2(TestTokens.token(person)).when().post("/api/v1/invitations/" + invitation.get("id") + "/accept")
                .then().statusCode(200).body("userId", equalTo(person.id().toString()));
        given().auth().oauth2(TestTokens.token(person)).when().get("/api/v1/organizations/" + orgId).then().statusCode(200);

        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE email = ?", email)).isEqualTo(1);
        assertThat(TestDatabase.text("SELECT auth_provider_id FROM identity.users WHERE email = ?", email))
                .isEqualTo(person.id().toString());
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE id = ?", invitedUserId)).isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.org_memberships WHERE user_id = ? AND is_active",
                person.id())).isEqualTo(1);
    }

    @Test
    void anUnverifiedEmailIsNeitherCopiedNorBound() {
        String email = "unverified-" + UUID.randomUUID() + "@clp.test";
        Map<String, Object> invitation = invite(email);
        User impostor = new User(UUID.randomUUID(), email, Map.of());

        me(TestTokens.withUnverifiedEmail(impostor)).then().statusCode(200)
                .body("id", equalTo(impostor.id().toString()))
                .body("email", equalTo(impostor.id() + "@users.clp.invalid"))
                .body("invitations", empty());
        given().auth().oauth2(TestTokens.withUnverifiedEmail(impostor))
                .when().post("/api/v1/invitations/" + invitation.get("id") + "/accept").then().statusCode(404);

        assertThat(TestDatabase.text("SELECT coalesce(auth_provider_id, '-') FROM identity.users WHERE email = ?", email))
                .isEqualTo("-");
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE id = ? AND NOT email_verified", impostor.id()))
                .isEqualTo(1);
    }

    @Test
    void aVerifiedEmailThatAnotherAccountHoldsIsAConflictNotAnError() {
        String email = "taken-" + UUID.randomUUID() + "@clp.test";
        UUID holder = UUID.randomUUID();
        TestDatabase.execute("INSERT INTO identity.users (id, email, name, auth_provider_id, email_verified) VALUES (?, ?, 'Holder', ?, true)",
                holder, email, holder.toString());

        me(TestTokens.token(new User(UUID.randomUUID(), email, Map.of()))).then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:email-in-use"));
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE email = ?", email)).isEqualTo(1);
    }

    @Test
    void concurrentFirstRequestsOfANewUserAllSucceed() {
        User person = User.withoutOrganizations();
        List<CompletableFuture<Response>> calls;
        // an uncommitted row with the person's id holds every first request at the key until all have started
        try (Interleaving row = Interleaving.hold("INSERT INTO identity.users (id, email) VALUES (?, ?)",
                person.id(), "holder-" + person.id() + "@clp.test")) {
            calls = IntStream.range(0, 3).mapToObj(i -> Interleaving.start(() -> me(TestTokens.token(person)))).toList();
            Interleaving.awaitWaiting(3, calls.toArray(CompletableFuture[]::new));
            row.abandon();
        }

        calls.forEach(call -> assertThat(call.join().statusCode()).isEqualTo(200));
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE id = ? AND email = ?", person.id(), person.email()))
                .isEqualTo(1);
    }

    @Test
    void concurrentFirstRequestsOfAnInviteeBindTheirRowOnce() {
        String email = "racing-invitee-" + UUID.randomUUID() + "@clp.test";
        Map<String, Object> invitation = invite(email);
        UUID invitedUserId = UUID.fromString((String) invitation.get("userId"));
        User person = new User(UUID.randomUUID(), email, Map.of());
        List<CompletableFuture<Response>> calls;
        try (Interleaving lock = Interleaving.hold("SELECT id FROM identity.users WHERE id = ? FOR UPDATE", invitedUserId)) {
            calls = IntStream.range(0, 3).mapToObj(i -> Interleaving.start(() -> me(TestTokens.token(person)))).toList();
            Interleaving.awaitWaiting(3, calls.toArray(CompletableFuture[]::new));
            lock.release();
        }

        calls.forEach(call -> assertThat(call.join().statusCode()).isEqualTo(200));
        calls.forEach(call -> assertThat(call.join().jsonPath().getList("invitations.id")).contains(invitation.get("id")));
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE email = ?", email)).isEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE id = ?", person.id())).isEqualTo(1);
    }

    @Test
    void anInvitationRacingTheBindingOfTheInviteesRowFollowsTheRowToItsNewId() {
        String email = "bound-meanwhile-" + UUID.randomUUID() + "@clp.test";
        UUID invitedUserId = UUID.fromString((String) invite(email).get("userId"));
        User admin = User.withoutOrganizations();
        UUID secondOrg = IdentityFixtures.organizationOf(admin);
        UUID subject = UUID.randomUUID();
        CompletableFuture<Response> invitation;
        // the binding of the invitee's row (as Users.ensureCaller does it), not committed yet
        try (Interleaving binding = Interleaving.hold(
                "UPDATE identity.users SET id = ?, auth_provider_id = ?, email_verified = true WHERE id = ?",
                subject, subject.toString(), invitedUserId)) {
            invitation = Interleaving.start(() -> invite(admin, secondOrg, email));
            Interleaving.awaitWaiting(1, invitation);
            binding.release();
        }

        assertThat(invitation.join().statusCode()).isEqualTo(201);
        assertThat(invitation.join().jsonPath().getString("userId")).isEqualTo(subject.toString());
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.org_memberships WHERE user_id = ?", subject)).isEqualTo(2);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE email = ?", email)).isEqualTo(1);
    }

    @Test
    void aPersonWhoFirstCameWithoutAVerifiedEmailGetsTheInvitationsMadeForItOnTheirNextCall() {
        User person = User.withoutOrganizations();
        me(TestTokens.withUnverifiedEmail(person)).then().statusCode(200)
                .body("email", equalTo(person.id() + "@users.clp.invalid"));
        // invited afterwards: the invitation makes a row of its own for the address
        Map<String, Object> invitation = invite(person.email());
        UUID invitedUserId = UUID.fromString((String) invitation.get("userId"));
        assertThat(invitedUserId).isNotEqualTo(person.id());

        // the next call, now with the address verified, takes the invitation over
        me(TestTokens.token(person)).then().statusCode(200)
                .body("id", equalTo(person.id().toString()))
                .body("email", equalTo(person.email()))
                .body("invitations.id", hasItem(invitation.get("id")));
        given().auth().oauth2(TestTokens.token(person)).when().post("/api/v1/invitations/" + invitation.get("id") + "/accept")
                .then().statusCode(200).body("userId", equalTo(person.id().toString()));

        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE email = ? AND id = ? AND email_verified",
                person.email(), person.id())).isEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE id = ?", invitedUserId)).isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.org_memberships WHERE user_id = ? AND is_active",
                person.id())).isEqualTo(1);
    }

    @Test
    void aRowsEmailCountsAsVerifiedOnlyOnceATokenVerifiesIt() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        // a row as it stands after V8: bound, its old flag cleared
        User member = IdentityFixtures.memberOf(orgId, "viewer");
        me(TestTokens.withUnverifiedEmail(member)).then().statusCode(200);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE id = ? AND email_verified", member.id())).isZero();

        me(TestTokens.token(member)).then().statusCode(200);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE id = ? AND email_verified", member.id())).isEqualTo(1);
    }

    /** What a person's calls have written: transaction contexts and outbox rows in their name, and the row's version. */
    private static String writesOf(UUID userId) {
        return TestDatabase.count("SELECT count(*) FROM identity.transaction_context WHERE user_id = ?", userId)
                + "/" + TestDatabase.count("SELECT count(*) FROM identity.outbox_event WHERE actor LIKE ?", "%" + userId + "%")
                + "/" + TestDatabase.text("SELECT xmin::text FROM identity.users WHERE id = ?", userId);
    }

    @Test
    void readingMeAgainAndAgainWritesNothing() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User member = IdentityFixtures.memberOf(orgId, "viewer");
        User unverified = User.withoutOrganizations();
        // verified, but for an address no row of theirs has yet, and no invitation either
        User moved = User.withoutOrganizations();
        me(TestTokens.withUnverifiedEmail(moved)).then().statusCode(200);
        for (var person : List.of(Map.entry(admin, TestTokens.token(admin)), Map.entry(member, TestTokens.token(member)),
                Map.entry(unverified, TestTokens.withUnverifiedEmail(unverified)), Map.entry(moved, TestTokens.token(moved)))) {
            me(person.getValue()).then().statusCode(200); // the first call may bind or create the row
            String before = writesOf(person.getKey().id());
            for (int i = 0; i < 5; i++) {
                me(person.getValue()).then().statusCode(200).body("id", equalTo(person.getKey().id().toString()));
            }
            assertThat(writesOf(person.getKey().id())).as("what five reads of /me wrote").isEqualTo(before);
        }
    }
}
