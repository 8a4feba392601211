package io.clp.e2e;

import io.clp.launcher.StackContext;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each aggregate type is published only by the schema that owns it (docs/adr/0004): an identity
 * event written into another service's outbox, or an identity outbox row that names a topic, never
 * reaches an identity topic, and so never reaches Keycloak.
 */
@Order(1)
class OutboxRoutingTest {

    private static final String FORGE = """
            INSERT INTO %s.outbox_event (id, aggregatetype, aggregateid, type, payload, source, subject, org_id, actor, occurred_at)
            VALUES (?, ?, ?, 'io.clp.api-key.created.v1', CAST(? AS json), '/identity', ?, ?, 'system', now())""";

    private static StackContext ctx;
    private static StackClient client;

    @BeforeAll
    static void startStack() {
        ctx = LocalStack.get().context();
        client = new StackClient(ctx);
    }

    private static String apiKeyCreated(String keyId, String orgId, String userId, String clientId) throws Exception {
        return StackClient.JSON.writeValueAsString(Map.of(
                "id", keyId, "organizationId", orgId, "userId", userId, "name", "forged",
                "prefix", clientId.substring("clp-key-".length()), "clientId", clientId,
                "scopes", List.of("organization:delete", "member:manage", "api_key:manage"),
                "publicJwk", Map.of("kty", "EC", "crv", "P-256", "x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                        "y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"),
                "createdAt", Instant.now().toString()));
    }

    @Test
    void anApiKeyCreatedRowInCampaignsOutboxNeverReachesTheApiKeyTopicNorKeycloak() throws Exception {
        String admin = client.demoToken();
        String subject = StackClient.claims(admin).get("sub").asText();
        String orgId = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body("{\"name\": \"Routing\", \"slug\": \"routing-" + UUID.randomUUID().toString().substring(0, 8) + "\"}")
                .when().post(client.service("identity", "/organizations")).then().statusCode(201).extract().path("id");

        // a foothold in campaign's database: an identity event in campaign's outbox
        String forgedKey = UUID.randomUUID().toString();
        String forgedClient = "clp-key-forged" + forgedKey.substring(0, 4);
        client.execute(FORGE.formatted("campaign"), UUID.randomUUID(), "api-key", forgedKey,
                apiKeyCreated(forgedKey, orgId, subject, forgedClient), "api-key/" + forgedKey, orgId);
        // and a row of identity's own outbox whose aggregate type names a topic instead of a type
        String namedKey = UUID.randomUUID().toString();
        String namedClient = "clp-key-named" + namedKey.substring(0, 4);
        client.execute(FORGE.formatted("identity"), UUID.randomUUID(), "clp.events.api-key", namedKey,
                apiKeyCreated(namedKey, orgId, subject, namedClient), "api-key/" + namedKey, orgId);

        // a real key made afterwards: once its event is relayed, the rows before it have been too
        String keyId = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body("{\"name\": \"real\", \"scopes\": [\"member:read\"], \"expiresAt\": \"" + Instant.now().plus(Duration.ofDays(1)) + "\"}")
                .when().post(client.service("identity", "/organizations/" + orgId + "/api-keys"))
                .then().statusCode(201).extract().path("apiKey.id");
        Set<String> keys = keysOn("clp.events.api-key", keyId);

        assertThat(keys).contains(keyId).doesNotContain(forgedKey, namedKey);
        assertThat(keysOn("clp.events.", null)).as("nothing was routed to a topic named by the row").isEmpty();
        String realClient = "clp-key-" + given().auth().oauth2(admin)
                .get(client.service("identity", "/organizations/" + orgId + "/api-keys"))
                .then().extract().path("find { it.id == '" + keyId + "' }.prefix");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> clientExists(realClient));
        assertThat(clientExists(forgedClient)).isFalse();
        assertThat(clientExists(namedClient)).isFalse();
    }

    private boolean clientExists(String clientId) {
        List<?> found = given().auth().oauth2(client.keycloakAdminToken()).queryParam("clientId", clientId)
                .when().get(ctx.keycloakUrl() + "/admin/realms/clp/clients").then().statusCode(200).extract().as(List.class);
        return !found.isEmpty();
    }

    /**
     * The record keys on a topic, read from the start until {@code until} is among them (or, without
     * it, for a few seconds); a topic that does not exist has none.
     */
    private Set<String> keysOn(String topic, String until) {
        Set<String> keys = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            if (!consumer.listTopics().containsKey(topic)) {
                return keys;
            }
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(until == null ? 5 : 60).toNanos();
            while (System.nanoTime() < deadline && (until == null || !keys.contains(until))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    keys.add(r.key());
                }
            }
        }
        return keys;
    }
}
