package io.clp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.launcher.KeycloakComponent;
import io.clp.launcher.Stack;
import io.clp.launcher.StackContext;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * The walking skeleton, end to end against the real stack: Keycloak issues the token, identity-service
 * writes the organization and its outbox event, Debezium relays the event and streams the table
 * change, identity-service mirrors the organization into Keycloak, and audit-service records who
 * created it.
 */
@Order(1)
class WalkingSkeletonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Stack stack;
    private static StackContext ctx;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.get();
        ctx = stack.context();
        client = new StackClient(ctx);
    }

    private static StackClient client;

    private String serviceUrl(String service) {
        return "http://127.0.0.1:" + ctx.ports().service(service);
    }

    private String demoToken() {
        return client.demoToken();
    }


    static JsonNode claims(String token) {
        return StackClient.claims(token);
    }

    private long countOrganizations(String slug) throws Exception {
        try (Connection c = DriverManager.getConnection(ctx.jdbcUrl(), "postgres", ctx.secrets().get("db.superuser"));
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM identity.organizations WHERE slug = ?")) {
            ps.setString(1, slug);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void anOrganizationCreatedThroughTheApiReachesKafkaKeycloakAndTheAuditTrail() throws Exception {
        String token = demoToken();
        String subject = claims(token).get("sub").asText();
        String slug = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        String orgs = serviceUrl("identity") + "/api/v1/organizations";

        // a bad slug: 400 naming the field, nothing written
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"name\": \"Bad\", \"slug\": \"Bad Slug\"}")
                .when().post(orgs)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("slug"));
        assertThat(countOrganizations("Bad Slug")).isZero();

        String orgId = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"name\": \"E2E Media\", \"slug\": \"" + slug + "\"}")
                .when().post(orgs)
                .then().statusCode(201).body("slug", equalTo(slug))
                .extract().path("id");
        client.awaitKnownTo(orgId, "audit");

        // a duplicate slug: 409, nothing more written
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"name\": \"Again\", \"slug\": \"" + slug + "\"}")
                .when().post(orgs)
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:slug-taken"));
        assertThat(countOrganizations(slug)).isEqualTo(1);

        // the outbox event on its topic, keyed by the organization, with the CloudEvents headers
        ConsumerRecord<String, String> event = awaitEvent("clp.events.organization", orgId, "io.clp.organization.created.v1");
        Map<String, String> headers = new java.util.HashMap<>();
        event.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
        assertThat(headers).containsEntry("ce_type", "io.clp.organization.created.v1")
                .containsEntry("ce_source", "/clp/identity")
                .containsEntry("ce_orgid", orgId)
                .containsEntry("ce_actor", "user:" + subject)
                .containsEntry("ce_specversion", "1.0")
                .containsKeys("ce_id", "ce_time", "ce_subject")
                .allSatisfy((name, value) -> assertThat(name).as("only documented headers")
                        .matches("ce_[a-z]+|content-type|traceparent"));
        assertThat(JSON.readTree(event.value()).get("slug").asText()).isEqualTo(slug);

        // the Keycloak mirror: a fresh token names the organization with the admin role
        AtomicReference<String> memberToken = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            String fresh = demoToken();
            for (JsonNode org : claims(fresh).path("organization")) {
                if (org.path("clp_org_id").toString().contains(orgId)
                        && org.path("realm_access").path("roles").toString().contains("admin")) {
                    memberToken.set(fresh);
                    return true;
                }
            }
            return false;
        });

        // the real token has the claim shape that platform-testing's TestTokens mints for service tests
        JsonNode realClaims = claims(memberToken.get());
        assertThat(realClaims.get("aud").toString()).contains("clp-api");
        JsonNode mirrored = null;
        for (JsonNode org : realClaims.get("organization")) {
            if (org.path("clp_org_id").toString().contains(orgId)) {
                mirrored = org;
            }
        }
        assertThat(mirrored).isNotNull();
        assertThat(mirrored.fieldNames()).toIterable().containsExactlyInAnyOrder("id", "clp_org_id", "groups", "realm_access");
        assertThat(mirrored.get("groups").toString()).isEqualTo("[\"/admin\"]");

        // the audit trail, from Debezium's change stream, names the actor from the token
        String auditLogs = serviceUrl("audit") + "/api/v1/organizations/" + orgId + "/audit-logs";
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                given().auth().oauth2(memberToken.get())
                        .queryParam("resourceType", "organizations")
                        .when().get(auditLogs)
                        .then().extract().jsonPath().<Map<String, Object>>getList("items").stream()
                        .anyMatch(item -> "create".equals(item.get("action")) && item.get("actor") != null));
        given().auth().oauth2(memberToken.get()).queryParam("resourceType", "organizations")
                .when().get(auditLogs)
                .then().statusCode(200)
                .body("items.find { it.action == 'create' }.resourceId", equalTo(orgId))
                .body("items.find { it.action == 'create' }.newValues.slug", equalTo(slug))
                .body("items.find { it.action == 'create' }.actor.userId", equalTo(subject))
                .body("items.find { it.action == 'create' }.service", equalTo("identity"));

        // no token: 401; a valid token without membership: 404, revealing nothing
        given().when().get(auditLogs).then().statusCode(401).contentType("application/problem+json");
        String outsider = client.outsiderToken();
        given().auth().oauth2(outsider).when().get(auditLogs)
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(outsider).when().get(orgs + "/" + orgId)
                .then().statusCode(404);

        // identity-service's own client, with its own secret, exists for Keycloak's admin API: its
        // tokens carry no clp-api audience and no CLP API accepts them
        String mirrorToken = given().contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", "identity-service")
                .formParam("client_secret", KeycloakComponent.clientSecret(ctx, "identity-service"))
                .when().post(ctx.realmUrl() + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
        assertThat(claims(mirrorToken).path("aud").toString()).doesNotContain("clp-api");
        given().auth().oauth2(mirrorToken).when().get(orgs + "/" + orgId).then().statusCode(401);
        given().auth().oauth2(mirrorToken).when().get(auditLogs).then().statusCode(401);
    }

    /** The first event of a type for a key (an organization also has, for example, its quotas event). */
    private ConsumerRecord<String, String> awaitEvent(String topic, String key, String type) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            AtomicReference<ConsumerRecord<String, String>> found = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    var header = r.headers().lastHeader("ce_type");
                    if (key.equals(r.key()) && header != null && type.equals(new String(header.value(), StandardCharsets.UTF_8))
                            && found.get() == null) {
                        found.set(r);
                    }
                }
                return found.get() != null;
            });
            return found.get();
        }
    }
}
