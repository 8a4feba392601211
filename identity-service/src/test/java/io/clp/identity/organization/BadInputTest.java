package io.clp.identity.organization;

import io.clp.identity.IdentityFixtures;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/** Input PostgreSQL or the HTTP layer cannot take is a documented 4xx problem, and nothing is written. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class BadInputTest {

    private static final String ORGS = "/api/v1/organizations";
    /** A JSON escape of the NUL character, as a client sends it. */
    private static final String NUL = "\\u0000";

    private static String slug() {
        return "bad-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static long organizations(String slug) {
        return TestDatabase.count("SELECT count(*) FROM identity.organizations WHERE slug = ?", slug);
    }

    /** A valid organization body padded with whitespace inside the object to {@code size} bytes. */
    private static byte[] padded(String slug, int size) {
        String head = "{\"name\": \"Padded\", \"slug\": \"" + slug + "\"";
        return (head + " ".repeat(size - head.length() - 1) + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aNulCharacterInAStringFieldIsA400NamingTheFieldAndNothingIsWritten() {
        String token = TestTokens.token(User.withoutOrganizations());
        String slug = slug();
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"name\": \"Acme" + NUL + "Media\", \"slug\": \"" + slug + "\"}")
                .when().post(ORGS)
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:validation"))
                .body("errors.field", contains("name"));
        assertThat(organizations(slug)).isZero();
    }

    @Test
    void aNulCharacterAnywhereInABodyIsFoundWhateverTheTargetType() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String token = TestTokens.token(admin);
        // settings is a free-form map, read without any String deserializer
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"settings\": {\"timezone\": \"Europe/" + NUL + "London\"}}")
                .when().patch(ORGS + "/" + orgId)
                .then().statusCode(400).body("errors.field", contains("settings.timezone"));
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"settings\": {\"time" + NUL + "zone\": \"UTC\"}}")
                .when().patch(ORGS + "/" + orgId)
                .then().statusCode(400).body("errors[0].field", equalTo("settings.time\\u0000zone"));
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"name\": \"k\", \"scopes\": [\"campaign:read\", \"metrics:read" + NUL + "\"], \"expiresAt\": \"2099-01-01T00:00:00Z\"}")
                .when().post(ORGS + "/" + orgId + "/api-keys")
                .then().statusCode(400).body("errors.field", contains("scopes[1]"));
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.organizations WHERE id = ? AND settings = '{}'::jsonb", orgId))
                .isEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.auth_tokens WHERE org_id = ?", orgId)).isZero();
    }

    @Test
    void aNulCharacterInAQueryParameterIsA400NamingIt() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        given().auth().oauth2(TestTokens.token(admin)).urlEncodingEnabled(false)
                .when().get(ORGS + "/" + orgId + "/grants?entityType=camp%00aign")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", contains("entityType"));
    }

    @Test
    void aNulCharacterInThePathIsA400NamingThePath() {
        given().auth().oauth2(TestTokens.token(User.withoutOrganizations())).urlEncodingEnabled(false)
                .when().get(ORGS + "/ab%00cd")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", contains("path"));
    }

    @Test
    void aBodyBeyondVertxsOwnLimitIsA413ProblemNotAnEmptyAnswer() {
        String slug = slug();
        given().auth().oauth2(TestTokens.token(User.withoutOrganizations())).contentType(ContentType.JSON)
                .body(padded(slug, 3 * 1024 * 1024))
                .when().post(ORGS)
                .then().statusCode(413).contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:payload-too-large"))
                .body("status", equalTo(413));
        assertThat(organizations(slug)).isZero();
    }

    @Test
    void aChunkedBodyOverTheLimitIsA413ProblemAndNothingIsWritten() throws Exception {
        String slug = slug();
        // no Content-Length: the JDK client streams an input stream of unknown length in chunks
        HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + ORGS))
                .header("Authorization", "Bearer " + TestTokens.token(User.withoutOrganizations()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(padded(slug, 3 * 512 * 1024))))
                .build();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.body()).contains("urn:clp:problem:payload-too-large");
        }
        assertThat(organizations(slug)).isZero();

        // the same body within the limit is taken
        String small = slug();
        given().auth().oauth2(TestTokens.token(User.withoutOrganizations())).contentType(ContentType.JSON)
                .body(new ByteArrayInputStream(padded(small, 512 * 1024)))
                .when().post(ORGS)
                .then().statusCode(201);
        assertThat(organizations(small)).isEqualTo(1);
    }
}
