package io.clp.identity.organization;

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
