package io.clp.identity.organization;

import io.clp.events.identity.OrganizationDeleted;
import io.clp.events.identity.OrganizationUpdated;
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

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changes of one organization that race each other apply one after the other: a PATCH that was
 * waiting while an operator suspended or an admin deleted the organization never writes the old
 * status or deletion back. The races are made deterministic by queueing the requests behind a lock
 * the test holds on the organization's row (see {@link Interleaving}).
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class ConcurrentOrganizationWritesTest {

    private static final String OPERATOR = TestTokens.operator(User.withoutOrganizations());
    private static final String LOCK = "SELECT id FROM identity.organizations WHERE id = ? FOR UPDATE";

    @BeforeAll
    static void captureEvents() {
        EmittedEvents.start();
    }

    private static Response patch(String token, UUID orgId, String body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                .when().patch("/api/v1/organizations/" + orgId);
    }

    private static Response suspend(UUID orgId) {
        return given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"status\": \"suspended\"}")
                .when().put("/api/v1/operator/organizations/" + orgId + "/status");
    }

    private static String column(String column, UUID orgId) {
        return TestDatabase.text("SELECT coalesce(" + column + "::text, '-') FROM identity.organizations WHERE id = ?", orgId);
    }

    @Test
    void aPatchQueuedBehindASuspensionDoesNotPutTheOldStatusBack() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String token = TestTokens.token(admin);
        CompletableFuture<Response> suspension;
        CompletableFuture<Response> change;
        try (Interleaving lock = Interleaving.hold(LOCK, orgId)) {
            suspension = Interleaving.start(() -> suspend(orgId));
            Interleaving.awaitWaiting(1, suspension);
            change = Interleaving.start(() -> patch(token, orgId, "{\"industry\": \"retail\"}"));
            Interleaving.awaitWaiting(2, suspension, change);
            lock.release();
        }
        assertThat(suspension.join().statusCode()).isEqualTo(200);
        // the PATCH ran after the suspension committed, so it saw it
        assertThat(change.join().statusCode()).isEqualTo(409);
        assertThat(change.join().jsonPath().getString("type")).isEqualTo("urn:clp:problem:organization-suspended");
        assertThat(column("status", orgId)).isEqualTo("suspended");
        assertThat(EmittedEvents.published("identity").ofType(OrganizationUpdated.TYPE).about(orgId).field("status")).containsExactly("suspended");
    }

    @Test
    void aPatchQueuedBehindADeletionDoesNotReviveTheOrganization() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String token = TestTokens.token(admin);
        CompletableFuture<Response> deletion;
        CompletableFuture<Response> change;
        try (Interleaving lock = Interleaving.hold(LOCK, orgId)) {
            deletion = Interleaving.start(() -> given().auth().oauth2(token).when().delete("/api/v1/organizations/" + orgId));
            Interleaving.awaitWaiting(1, deletion);
            change = Interleaving.start(() -> patch(token, orgId, "{\"name\": \"Renamed\"}"));
            Interleaving.awaitWaiting(2, deletion, change);
            lock.release();
        }
        assertThat(deletion.join().statusCode()).isEqualTo(204);
        assertThat(change.join().statusCode()).isEqualTo(404);
        assertThat(column("status", orgId)).isEqualTo("deleted");
        assertThat(column("deleted_at", orgId)).isNotEqualTo("-");
        assertThat(EmittedEvents.published("identity").ofType(OrganizationUpdated.TYPE).about(orgId).payloads().size()).isZero();
    }

    @Test
    void aSuspensionQueuedBehindAPatchKeepsThePatchAndEveryEventCarriesAHigherVersion() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String token = TestTokens.token(admin);
        CompletableFuture<Response> change;
        CompletableFuture<Response> suspension;
        try (Interleaving lock = Interleaving.hold(LOCK, orgId)) {
            change = Interleaving.start(() -> patch(token, orgId, "{\"industry\": \"travel\"}"));
            Interleaving.awaitWaiting(1, change);
            suspension = Interleaving.start(() -> suspend(orgId));
            Interleaving.awaitWaiting(2, change, suspension);
            lock.release();
        }
        assertThat(change.join().statusCode()).isEqualTo(200);
        assertThat(suspension.join().statusCode()).isEqualTo(200);
        assertThat(column("status", orgId)).isEqualTo("suspended");
        assertThat(column("industry", orgId)).isEqualTo("travel");
        assertThat(column("version", orgId)).isEqualTo("2");
        assertThat(EmittedEvents.published("identity").ofType(OrganizationUpdated.TYPE).about(orgId).field("version")).containsExactly("1", "2");
    }

    @Test
    void manyPatchesRacingASuspensionAndADeletionNeverUndoEither() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String token = TestTokens.token(admin);
        List<CompletableFuture<Response>> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String body = "{\"industry\": \"industry-" + i + "\"}";
            requests.add(Interleaving.start(() -> patch(token, orgId, body)));
            if (i == 3) {
                requests.add(Interleaving.start(() -> suspend(orgId)));
            }
        }
        requests.forEach(r -> assertThat(r.join().statusCode()).isIn(200, 409));
        assertThat(column("status", orgId)).isEqualTo("suspended");

        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"status\": \"active\"}")
                .when().put("/api/v1/operator/organizations/" + orgId + "/status").then().statusCode(200);
        requests.clear();
        for (int i = 0; i < 8; i++) {
            String body = "{\"name\": \"Name " + i + "\"}";
            requests.add(Interleaving.start(() -> patch(token, orgId, body)));
            if (i == 3) {
                requests.add(Interleaving.start(() -> given().auth().oauth2(token).when().delete("/api/v1/organizations/" + orgId)));
            }
        }
        requests.forEach(r -> assertThat(r.join().statusCode()).isIn(200, 204, 404));
        assertThat(column("status", orgId)).isEqualTo("deleted");
        assertThat(column("deleted_at", orgId)).isNotEqualTo("-");
        assertThat(EmittedEvents.published("identity").ofType(OrganizationDeleted.TYPE).about(orgId).payloads().size()).isEqualTo(1);
        // the versions of the events follow the order of the changes, without gaps or repeats
        List<String> versions = new ArrayList<>(EmittedEvents.published("identity").ofType(OrganizationUpdated.TYPE).about(orgId).field("version"));
        versions.addAll(EmittedEvents.published("identity").ofType(OrganizationDeleted.TYPE).about(orgId).field("version"));
        List<Long> numbers = versions.stream().map(Long::parseLong).sorted().toList();
        assertThat(numbers).doesNotHaveDuplicates();
        assertThat(numbers.get(numbers.size() - 1)).isEqualTo(Long.parseLong(column("version", orgId)));
    }
}
