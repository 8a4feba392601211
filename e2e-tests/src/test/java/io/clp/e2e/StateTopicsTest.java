package io.clp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.launcher.StackContext;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * identity's state reaches the compacted state topics through the outbox relay, and from them the
 * other services' read models: the path a service with an empty schema rebuilds by.
 */
@Order(1)
class StateTopicsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static StackContext ctx;
    private static StackClient client;

    @BeforeAll
    static void startStack() {
        ctx = LocalStack.get().context();
        client = new StackClient(ctx);
    }

    @Test
    void theStateTopicsAreCompactedAndTheEventTopicsKeepTheirKnownRetention() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.kafkaBootstrap()))) {
            ConfigResource organizationState = new ConfigResource(ConfigResource.Type.TOPIC, "clp.state.organization");
            ConfigResource grantState = new ConfigResource(ConfigResource.Type.TOPIC, "clp.state.grant");
            ConfigResource grantEvents = new ConfigResource(ConfigResource.Type.TOPIC, "clp.events.grant");
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(organizationState, grantState, grantEvents))
                    .all().get(30, TimeUnit.SECONDS);
            assertThat(configs.get(organizationState).get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(configs.get(grantState).get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(configs.get(grantEvents).get("retention.ms").value()).isEqualTo("604800000");
        }
    }

    @Test
    void aNewOrganizationsWholeStateReachesItsStateTopicAndEveryReadModel() throws Exception {
        String admin = client.demoToken();
        String orgId = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body("{\"name\": \"Stateful\", \"slug\": \"stateful-" + UUID.randomUUID().toString().substring(0, 8) + "\"}")
                .when().post(client.service("identity", "/organizations")).then().statusCode(201).extract().path("id");

        AtomicReference<ConsumerRecord<String, String>> found = new AtomicReference<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-state-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of("clp.state.organization"));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (orgId.equals(record.key())) {
                        found.set(record);
                    }
                }
                return found.get() != null;
            });
        }
        ConsumerRecord<String, String> record = found.get();
        assertThat(new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
                .isEqualTo("io.clp.organization.state.v1");
        JsonNode state = JSON.readTree(record.value());
        assertThat(state.get("status").asText()).isEqualTo("trial");
        assertThat(state.get("plan").asText()).isEqualTo("free");
        assertThat(state.get("quotas").get("dsp_accounts").asInt()).isEqualTo(2);
        assertThat(state.get("deleted").asBoolean()).isFalse();

        client.awaitKnownTo(orgId, "campaign", "pipeline", "rules", "notification", "audit");
        assertThat(client.queryText("SELECT quotas ->> 'dsp_accounts' FROM campaign.organization_refs WHERE org_id = CAST(? AS uuid)",
                orgId)).isEqualTo("2");
    }
}
