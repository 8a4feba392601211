package io.clp.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clp.events.CloudEventHeaders;
import io.clp.events.DomainEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * Publishes events onto the test broker exactly as Debezium's outbox router does for a service
 * (topic {@code clp.events.<aggregate type>}, or {@code clp.state.<aggregate type>} for current-state
 * records, keyed by aggregate id, CloudEvents headers), and
 * reads dead-letter topics.
 */
public final class TestEvents {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private TestEvents() {
    }

    /** Publishes the event as its producing service would; returns the event id. */
    public static UUID publish(DomainEvent event) {
        return publish(event, UUID.randomUUID());
    }

    /** Publishes the event with the given event id: a replay of a record the topic already had. */
    public static UUID publish(DomainEvent event, UUID id) {
        send(record(event, id, null, Map.of()));
        return id;
    }

    /** Publishes the event as caused by {@code actor} (its {@code ce_actor} header); returns the event id. */
    public static UUID publish(DomainEvent event, String actor) {
        return publish(event, actor, Map.of());
    }

    /**
     * Publishes the event with {@code extraFields} added to its payload, as a newer producer would that
     * knows fields this consumer does not; returns the event id.
     */
    public static UUID publish(DomainEvent event, String actor, Map<String, Object> extraFields) {
        UUID id = UUID.randomUUID();
        send(record(event, id, actor, extraFields));
        return id;
    }

    /** Publishes many events, in order, through one producer. */
    public static void publishAll(List<? extends DomainEvent> events) {
        try (KafkaProducer<String, String> producer = producer()) {
            for (DomainEvent event : events) {
                producer.send(record(event, UUID.randomUUID(), null, Map.of()));
            }
            producer.flush();
        }
    }

    private static ProducerRecord<String, String> record(DomainEvent event, UUID id, String actor, Map<String, Object> extraFields) {
        try {
            ObjectNode payload = JSON.valueToTree(event);
            extraFields.forEach((name, value) -> payload.set(name, JSON.valueToTree(value)));
            ProducerRecord<String, String> record = new ProducerRecord<>(event.topic(),
                    event.aggregateId().toString(), JSON.writeValueAsString(payload));
            header(record, CloudEventHeaders.ID, id.toString());
            header(record, CloudEventHeaders.TYPE, event.eventType());
            header(record, CloudEventHeaders.SOURCE, "/clp/test");
            header(record, CloudEventHeaders.SUBJECT, event.subject());
            header(record, CloudEventHeaders.TIME, Instant.now().toString());
            header(record, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
            if (event.orgId() != null) {
                header(record, CloudEventHeaders.ORG_ID, event.orgId().toString());
            }
            if (actor != null) {
                header(record, CloudEventHeaders.ACTOR, actor);
            }
            return record;
        } catch (Exception e) {
            throw new IllegalStateException("could not publish " + event, e);
        }
    }

    /** Publishes a raw record, for poison-message tests. */
    public static void publishRaw(String topic, String key, String value, Map<String, String> headers) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((name, v) -> header(record, name, v));
        send(record);
    }

    /** Waits until a record matching {@code test} arrives on the dead-letter topic. */
    public static void awaitOn(String topic, Predicate<ConsumerRecord<String, String>> test) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (test.test(record)) {
                        return true;
                    }
                }
                return false;
            });
        }
    }

    /** Every record on {@code topic} now (none if it does not exist). */
    public static List<ConsumerRecord<String, String>> readAll(String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false))) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> records = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        } catch (org.apache.kafka.common.errors.UnknownTopicOrPartitionException e) {
            return List.of();
        }
    }

    /** The ids ({@code ce_id}) of the records on {@code topic} now. */
    public static List<String> eventIdsOn(String topic) {
        return readAll(topic).stream().map(r -> r.headers().lastHeader(CloudEventHeaders.ID))
                .filter(java.util.Objects::nonNull).map(h -> new String(h.value(), StandardCharsets.UTF_8)).toList();
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    private static void send(ProducerRecord<String, String> record) {
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + record.topic(), e);
        }
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
