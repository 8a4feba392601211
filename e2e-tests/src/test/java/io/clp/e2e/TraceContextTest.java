package io.clp.e2e;

import io.clp.launcher.StackContext;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A request's W3C trace context travels with the events it causes (docs/adr/0008): the caller's
 * {@code traceparent} is written into the outbox row and the relay puts it on the Kafka record.
 */
@Order(1)
class TraceContextTest {

    private static StackContext ctx;
    private static StackClient client;

    @BeforeAll
    static void startStack() {
        ctx = LocalStack.get().context();
        client = new StackClient(ctx);
    }

    @Test
    void aRequestsTraceparentArrivesAsAKafkaHeaderOnTheEventsItPublished() {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String callerSpan = "00f067aa0ba902b7";
        String slug = "trace-" + UUID.randomUUID().toString().substring(0, 8);
        String orgId = given().auth().oauth2(client.demoToken()).contentType(ContentType.JSON)
                .header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .body("{\"name\": \"Traced\", \"slug\": \"" + slug + "\"}")
                .when().post(client.service("identity", "/organizations"))
                .then().statusCode(201).extract().path("id");

        List<ConsumerRecord<String, String>> created = awaitRecords("clp.events.organization", orgId, "io.clp.organization.created.v1");
        List<ConsumerRecord<String, String>> state = awaitRecords("clp.state.organization", orgId, "io.clp.organization.state.v1");
        for (ConsumerRecord<String, String> record : List.of(created.get(0), state.get(0))) {
            String traceparent = header(record, "traceparent");
            assertThat(traceparent).as("traceparent on %s", record.topic())
                    .matches("00-" + traceId + "-[0-9a-f]{16}-01")
                    .doesNotContain(callerSpan);
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<String, String>> awaitRecords(String topic, String key, String type) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key()) && type.equals(header(r, "ce_type"))) {
                        found.add(r);
                    }
                }
                return !found.isEmpty();
            });
            return found;
        }
    }
}
