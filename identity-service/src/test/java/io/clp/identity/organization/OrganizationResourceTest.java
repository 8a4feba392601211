package io.clp.identity.organization;

import io.clp.events.identity.OrganizationCreated;
import io.clp.testing.Emitted;
import io.clp.testing.EmittedEvent;
import io.clp.testing.EmittedEvents;
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
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class OrganizationResourceTest {

    private static final String ORGS = "/api/v1/organizations";

    private static String slug() {
        return "acme-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void createsAnOrganizationWithTheCallerAsAdminAndAnOutboxEventInOneTransaction() {
        User user = User.withoutOrganizations();
        String slug = slug();
        EmittedEvents.Mark mark = EmittedEvents.mark();

        String id = given().auth().oauth2(TestTokens.token(user)).contentType(ContentType.JSON)
                .body("""
                        {"name": "Acme Media", "slug": "%s", "monthlyBudget": 2500.50, "currency": "EUR"}""".formatted(slug))
                .when().post(ORGS)
                .then().statusCode(201)
                .header("Location", startsWith("http"))
                .body("slug", equalTo(slug))
                .body("status", equalTo("trial"))
                .body("monthlyBudget", equalTo(2500.5f))
                .extract().path("id");

        UUID orgId = UUID.fromString(id);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.org_memberships WHERE org_id = ? AND user_id = ? AND role = 'admin'",
                orgId, user.id())).isEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE id = ?", user.id())).isEqualTo(1);
        // the outbox row is written and deleted in the same transaction: the table stays empty
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.outbox_event")).isZero();
        // ... and the WAL has the event, as the relay reads it
        EmittedEvent created = EmittedEvents.since(mark).single(OrganizationCreated.TYPE, orgId)
                .hasHeaders("identity", "organizations/" + orgId, orgId, "user:" + user.id());
        assertThat(created.aggregateType()).isEqualTo("organization");
        assertThat(created.field("id")).isEqualTo(id);
        assertThat(created.field("name")).isEqualTo("Acme Media");
        assertThat(created.field("slug")).isEqualTo(slug);
        assertThat(created.field("status")).isEqualTo("trial");
        assertThat(created.field("plan")).isEqualTo("free");
        assertThat(created.payload().get("monthlyBudget").decimalValue()).isEqualByComparingTo("2500.50");
        assertThat(created.field("currency")).isEqualTo("EUR");
        assertThat(created.field("createdBy")).isEqualTo(user.id().toString());
        assertThat(created.field("createdAt")).isNotBlank();
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.transaction_context WHERE user_id = ? AND actor = ?",
                user.id(), "user:" + user.id())).isGreaterThanOrEqualTo(1);

        given().auth().oauth2(TestTokens.token(user))
                .when().get(ORGS + "/" + id)
                .then().statusCode(200).body("name", equalTo("Acme Media"));
        given().auth().oauth2(TestTokens.token(user))
                .when().get(ORGS)
                .then().statusCode(200).body("slug", hasItem(slug));
    }

    @Test
    void theEventsOfARequestCarryTheCallersTraceAndARequestWithoutOneStartsItsOwn() {
        User user = User.withoutOrganizations();
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        EmittedEvents.Mark mark = EmittedEvents.mark();
        String traced = given().auth().oauth2(TestTokens.token(user)).contentType(ContentType.JSON)
                .header("traceparent", "00-" + trace + "-00f067aa0ba902b7-01")
                .body("{\"name\": \"Traced\", \"slug\": \"" + slug() + "\"}")
                .when().post(ORGS).then().statusCode(201).extract().path("id");
        String untraced = given().auth().oauth2(TestTokens.token(user)).contentType(ContentType.JSON)
                .body("{\"name\": \"Untraced\", \"slug\": \"" + slug() + "\"}")
                .when().post(ORGS).then().statusCode(201).extract().path("id");

        Emitted ofTraced = EmittedEvents.since(mark).inOrganization(traced);
        assertThat(ofTraced.types()).contains(OrganizationCreated.TYPE);
        assertThat(ofTraced.events()).allSatisfy(e -> assertThat(e.traceId()).as("%s", e).isEqualTo(trace));
        // identity's step is a child of the caller's: same trace, a span id of its own, the caller's sampling
        assertThat(ofTraced.column("traceparent")).allSatisfy(t -> assertThat(t).doesNotContain("00f067aa0ba902b7").endsWith("-01"));

        Emitted ofUntraced = EmittedEvents.since(mark).inOrganization(untraced);
        assertThat(ofUntraced.types()).contains(OrganizationCreated.TYPE);
        assertThat(ofUntraced.events().stream().map(EmittedEvent::traceId).distinct().toList())
                .as("one new trace for the whole request").hasSize(1).doesNotContain(trace);
    }

    @Test
    void rejectsABadSlugWithTheFieldNamedAndWritesNothing() {
        String bad = "Not A Slug!";
        given().auth().oauth2(TestTokens.token(User.withoutOrganizations())).contentType(ContentType.JSON)
                .body("{\"name\": \"Bad\", \"slug\": \"" + bad + "\"}")
                .when().post(ORGS)
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:validation"))
                .body("errors.field", hasItem("slug"));
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.organizations WHERE slug = ?", bad)).isZero();
    }

    @Test
    void rejectsADuplicateSlugWithConflictAndWritesNothing() {
        String slug = slug();
        String token = TestTokens.token(User.withoutOrganizations());
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"name\": \"First\", \"slug\": \"" + slug + "\"}")
                .when().post(ORGS).then().statusCode(201);

        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"name\": \"Second\", \"slug\": \"" + slug + "\"}")
                .when().post(ORGS)
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:slug-taken"));
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.organizations WHERE slug = ?", slug)).isEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.organizations WHERE name = 'Second'")).isZero();
    }

    @Test
    void answersMalformedJsonWrongTypesAndUnknownFieldsWithProblems() {
        String token = TestTokens.token(User.withoutOrganizations());
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"name\": ")
                .when().post(ORGS)
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:malformed-request"));
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"name\": \"X\", \"slug\": \"" + slug() + "\", \"monthlyBudget\": \"lots\"}")
                .when().post(ORGS)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("monthlyBudget"));
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"name\": \"X\", \"slug\": \"" + slug() + "\", \"owner\": \"me\"}")
                .when().post(ORGS)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("owner"));
        given().auth().oauth2(token).contentType(ContentType.TEXT).body("name=x")
                .when().post(ORGS)
                .then().statusCode(415).contentType("application/problem+json");
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"name\": \"" + "x".repeat(1_100_000) + "\", \"slug\": \"big-one\"}")
                .when().post(ORGS)
                .then().statusCode(413).contentType("application/problem+json");
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.organizations WHERE slug = 'big-one'")).isZero();
    }

    @Test
    void refusesMissingExpiredAndForeignTokensAndHidesOtherOrganizations() {
        given().contentType(ContentType.JSON).body("{\"name\": \"X\", \"slug\": \"" + slug() + "\"}")
                .when().post(ORGS)
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", notNullValue());
        User user = User.withoutOrganizations();
        given().auth().oauth2(TestTokens.expired(user)).when().get(ORGS).then().statusCode(401);
        given().auth().oauth2(TestTokens.withIssuer(user, "https://evil.test/realms/clp")).when().get(ORGS).then().statusCode(401);
        given().auth().oauth2(TestTokens.withAudience(user, "another-api")).when().get(ORGS).then().statusCode(401);

        String id = given().auth().oauth2(TestTokens.token(user)).contentType(ContentType.JSON)
                .body("{\"name\": \"Mine\", \"slug\": \"" + slug() + "\"}")
                .when().post(ORGS).then().statusCode(201).extract().path("id");
        given().auth().oauth2(TestTokens.token(User.withoutOrganizations()))
                .when().get(ORGS + "/" + id)
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("no organization " + id));
    }
}
