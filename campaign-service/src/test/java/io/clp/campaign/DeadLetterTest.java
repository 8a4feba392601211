package io.clp.campaign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.clp.events.CloudEventHeaders;
import io.clp.events.identity.OrganizationCreated;
import io.clp.launcher.DeadLetters;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestEvents;
import io.clp.testing.TestKafka;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A message that can never be applied is dead-lettered at once with why and where it came from; the
 * dead-letter topic's depth is a metric; an operator's replay ({@code ./clp dlq replay}) republishes a
 * message as it first was, it is applied, and the depth falls.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class DeadLetterTest {

    private static final String SOURCE = "clp.events.organization";
    private static final String DEAD_LETTERS = "clp.events.organization.campaign-organizations.dlq";
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final DeadLetters operator = new DeadLetters(Map.of("bootstrap.servers", TestKafka.bootstrapServers()));

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static long gauge() {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^clp_dead_letter_messages\\{topic=\"" + Pattern.quote(DEAD_LETTERS) + "\"\\} (\\S+)$")
                .matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    private long pending() {
        return operator.pending(DEAD_LETTERS, e -> true).size();
    }

    @Test
    void aPoisonMessageIsDeadLetteredAtOnceCountedAndAReplayedMessageIsAppliedAndLeavesTheCount() throws Exception {
        // a message that can never be applied
        String poison = UUID.randomUUID().toString();
        Instant sent = Instant.now();
        TestEvents.publishRaw(SOURCE, UUID.randomUUID().toString(), "{not json", Map.of(
                CloudEventHeaders.ID, poison, CloudEventHeaders.TYPE, OrganizationCreated.TYPE));
        AtomicReference<ConsumerRecord<String, String>> dead = new AtomicReference<>();
        TestEvents.awaitOn(DEAD_LETTERS, r -> {
            if (poison.equals(header(r, CloudEventHeaders.ID))) {
                dead.set(r);
                return true;
            }
            return false;
        });
        assertThat(Duration.between(sent, Instant.now())).as("not retried: dead-lettered before the in-handler bound (20 s)")
                .isLessThan(Duration.ofSeconds(15));
        assertThat(header(dead.get(), "clp-failure")).isEqualTo("permanent");
        assertThat(header(dead.get(), "delayed-retry-topic")).isEqualTo(SOURCE);
        assertThat(header(dead.get(), "delayed-retry-partition")).isNotNull();
        assertThat(header(dead.get(), "delayed-retry-offset")).isNotNull();
        assertThat(header(dead.get(), "delayed-retry-reason")).contains("unreadable event");

        await().atMost(Duration.ofSeconds(30)).until(() -> pending() > 0 && gauge() == pending());

        // an event dead-lettered after its retries were spent (the database was down too long, say)
        UUID orgId = UUID.randomUUID();
        String exhausted = UUID.randomUUID().toString();
        String payload = JSON.writeValueAsString(new OrganizationCreated(orgId, "Replayed", "replayed-" + orgId.toString().substring(0, 8),
                "active", "free", null, null, UUID.randomUUID(), Instant.now().truncatedTo(ChronoUnit.MICROS), 1L));
        TestEvents.publishRaw(DEAD_LETTERS, orgId.toString(), payload, Map.of(
                CloudEventHeaders.ID, exhausted, CloudEventHeaders.TYPE, OrganizationCreated.TYPE,
                CloudEventHeaders.SUBJECT, "organizations/" + orgId,
                "delayed-retry-topic", SOURCE, "delayed-retry-count", "6", "delayed-retry-reason", "Connection refused",
                "clp-failure", "transient"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<DeadLetters.Entry> replayed = operator.replay(DEAD_LETTERS, e -> true, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(replayed).extracting(DeadLetters.Entry::eventId).contains(poison, exhausted);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                TestDatabase.count("SELECT count(*) FROM campaign.organization_refs WHERE org_id = ?", orgId) == 1);
        // republished as it first was: same key, value and event headers, none of the dead-letter ones
        ConsumerRecord<String, String> again = TestEvents.readAll(SOURCE).stream()
                .filter(r -> exhausted.equals(header(r, CloudEventHeaders.ID))).findFirst().orElseThrow();
        assertThat(again.key()).isEqualTo(orgId.toString());
        assertThat(again.value()).isEqualTo(payload);
        assertThat(header(again, CloudEventHeaders.TYPE)).isEqualTo(OrganizationCreated.TYPE);
        assertThat(StreamSupport.stream(again.headers().spliterator(), false).map(Header::key))
                .noneMatch(k -> k.startsWith("delayed-retry-") || k.startsWith("dead-letter-") || k.equals("clp-failure"));

        // the poison message failed again and is back; the applied one is no longer counted
        await().atMost(Duration.ofSeconds(30)).until(() -> operator.pending(DEAD_LETTERS, e -> poison.equals(e.eventId())).size() == 1);
        assertThat(operator.pending(DEAD_LETTERS, e -> exhausted.equals(e.eventId()))).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> gauge() == pending());
    }
}
