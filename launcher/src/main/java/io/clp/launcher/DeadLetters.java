package io.clp.launcher;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code ./clp dlq}: lists and replays the messages on CLP's dead-letter topics ({@code *.dlq}).
 * A message is pending until the topic's replay group ({@code <topic>.replay}, the group whose
 * offsets the services' {@code clp_dead_letter_messages} gauge subtracts) has committed past it. A
 * replay republishes a message to the topic it was first consumed from, with its original key, value
 * and headers (the dead-letter and retry headers removed), then commits the replay group past it;
 * consumers apply a replayed event once (they record event ids), so replaying twice is harmless.
 *
 * <p>Kafka is the local stack's unless {@code KAFKA_BOOTSTRAP_SERVERS} names another, with client
 * settings (TLS, SASL) from the properties file {@code KAFKA_CLIENT_PROPERTIES}.
 */
public final class DeadLetters {

    public static final String REPLAY_GROUP_SUFFIX = ".replay";
    static final String DLQ_SUFFIX = ".dlq";
    /** Where smallrye's delayed-retry strategy and its dead-letter strategy record the original topic. */
    static final List<String> ORIGINAL_TOPIC_HEADERS = List.of("delayed-retry-topic", "dead-letter-topic");
    static final List<String> REMOVED_HEADER_PREFIXES = List.of("delayed-retry-", "dead-letter-", "clp-failure");
    static final String EVENT_ID = "ce_id";
    static final String EVENT_TYPE = "ce_type";

    private final Map<String, Object> client;

    public DeadLetters(Map<String, Object> client) {
        this.client = client;
    }

    /** The client settings for {@code defaultBootstrap}, or as the environment says. */
    public static DeadLetters fromEnvironment(String defaultBootstrap, Map<String, String> env) {
        Map<String, Object> settings = new HashMap<>();
        String file = env.get("KAFKA_CLIENT_PROPERTIES");
        if (file != null && !file.isBlank()) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read KAFKA_CLIENT_PROPERTIES " + file, e);
            }
            properties.forEach((k, v) -> settings.put((String) k, v));
        }
        settings.put("bootstrap.servers", env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", defaultBootstrap));
        return new DeadLetters(settings);
    }

    /** A dead-lettered message as {@code list} shows it. */
    public record Entry(String topic, int partition, long offset, Instant timestamp, String eventId, String type,
                        String originalTopic, String failure, String reason) {
    }

    /** Each dead-letter topic and its pending messages. */
    public Map<String, Long> depths() {
        try (Admin admin = Admin.create(client)) {
            Map<String, Long> depths = new TreeMap<>();
            for (String topic : admin.listTopics().names().get(30, TimeUnit.SECONDS)) {
                if (topic.endsWith(DLQ_SUFFIX)) {
                    depths.put(topic, (long) pending(topic, e -> true).size());
                }
            }
            return depths;
        } catch (Exception e) {
            throw new StackException("cannot list the dead-letter topics: " + e);
        }
    }

    /** The pending messages of {@code topic} (not yet passed by its replay group), oldest first per partition. */
    public List<Entry> pending(String topic, Predicate<Entry> filter) {
        List<Entry> entries = new ArrayList<>();
        read(topic, (record, entry) -> {
            if (filter.test(entry)) {
                entries.add(entry);
            }
            return false;
        });
        return entries;
    }

    /**
     * Republishes the pending messages of {@code topic} that {@code which} selects; the replay group
     * then commits past every message replayed and every earlier one already passed, so a message left
     * pending before a replayed one keeps the group's offset (and the depth) where it is. Returns the
     * messages replayed.
     */
    public List<Entry> replay(String topic, Predicate<Entry> which, PrintStream out) {
        List<Entry> replayed = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings())) {
            Map<TopicPartition, Long> commit = new HashMap<>();
            Map<TopicPartition, Boolean> blocked = new HashMap<>();
            read(topic, (record, entry) -> {
                TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (!which.test(entry)) {
                    blocked.put(partition, true);
                    return false;
                }
                String refusal = replayRefusal(topic, entry.originalTopic());
                if (refusal != null) {
                    out.printf("skipped %s-%d@%d: %s%n", topic, entry.partition(), entry.offset(), refusal);
                    blocked.put(partition, true);
                    return false;
                }
                ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(entry.originalTopic(), null, record.key(), record.value(),
                        originalHeaders(record));
                try {
                    producer.send(copy).get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new StackException("could not republish " + entry.eventId() + " to " + entry.originalTopic() + ": " + e);
                }
                replayed.add(entry);
                out.printf("replayed %s (%s) to %s%n", entry.eventId(), entry.type(), entry.originalTopic());
                if (!blocked.getOrDefault(partition, false)) {
                    commit.put(partition, record.offset() + 1);
                }
                return false;
            });
            if (!commit.isEmpty()) {
                try (KafkaConsumer<byte[], byte[]> group = new KafkaConsumer<>(consumerSettings(topic + REPLAY_GROUP_SUFFIX))) {
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    commit.forEach((p, o) -> offsets.put(p, new OffsetAndMetadata(o)));
                    group.commitSync(offsets);
                }
            }
        }
        return replayed;
    }

    /**
     * Why a message of {@code deadLetterTopic} must not be republished to {@code originalTopic}, or
     * null when it may. The target comes from a header, which whoever wrote the dead-letter topic chose:
     * it must be the topic the dead-letter topic is named after ({@code <topic>.<group>.dlq}), so that
     * a replay never publishes to a topic the failed consumer did not read. A state topic is never a
     * target: it is compacted, and an old state appended after a newer one would be what a rebuild
     * learns; a state consumer re-reads its topic instead (reset its group to the earliest offset).
     */
    static String replayRefusal(String deadLetterTopic, String originalTopic) {
        if (originalTopic == null) {
            return "it names no original topic";
        }
        // the audit trail reads every change stream through one channel, so its dead-letter topic
        // (clp.cdc.audit-trail.dlq) serves every clp.cdc.* topic
        boolean changeStream = deadLetterTopic.startsWith("clp.cdc.") && originalTopic.startsWith("clp.cdc.")
                && !originalTopic.endsWith(".dlq");
        if (!changeStream && !deadLetterTopic.startsWith(originalTopic + ".") || !deadLetterTopic.endsWith(".dlq")) {
            return "its original topic " + originalTopic + " is not the one " + deadLetterTopic + " is named after";
        }
        if (originalTopic.startsWith("clp.state.")) {
            return "a state topic is compacted and is not replayed to; reset the consumer's group on " + originalTopic
                    + " to the earliest offset to re-read every state";
        }
        return null;
    }

    private interface Visitor {
        /** Returns true to stop reading. */
        boolean visit(ConsumerRecord<byte[], byte[]> record, Entry entry);
    }

    /** Reads {@code topic} from its replay group's offsets (or the start) to the ends it has now. */
    private void read(String topic, Visitor visitor) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerSettings(topic + REPLAY_GROUP_SUFFIX))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                return;
            }
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new java.util.HashSet<>(partitions));
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata done = committed.get(partition);
                if (done == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, done.offset());
                }
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new StackException("reading " + topic + " took over a minute");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))
                            && visitor.visit(record, entry(record))) {
                        return;
                    }
                }
            }
        }
    }

    static Entry entry(ConsumerRecord<byte[], byte[]> record) {
        String original = null;
        for (String name : ORIGINAL_TOPIC_HEADERS) {
            // the first failure's header is the last one: retries add theirs in front of the copied ones
            Header header = record.headers().lastHeader(name);
            if (header != null) {
                original = text(header);
                break;
            }
        }
        return new Entry(record.topic(), record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()),
                first(record, EVENT_ID), first(record, EVENT_TYPE), original, first(record, "clp-failure"),
                first(record, "delayed-retry-reason") != null ? first(record, "delayed-retry-reason") : first(record, "dead-letter-reason"));
    }

    /** The record's headers as it was first published: without the dead-letter and retry bookkeeping. */
    static RecordHeaders originalHeaders(ConsumerRecord<byte[], byte[]> record) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (REMOVED_HEADER_PREFIXES.stream().noneMatch(header.key()::startsWith)) {
                headers.add(header);
            }
        }
        return headers;
    }

    /** The newest value of a header (the first one a retry put in front), or null. */
    private static String first(ConsumerRecord<byte[], byte[]> record, String name) {
        for (Header header : record.headers()) {
            if (header.key().equals(name)) {
                return text(header);
            }
        }
        return null;
    }

    private static String text(Header header) {
        return header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private Map<String, Object> consumerSettings(String group) {
        Map<String, Object> settings = new HashMap<>(client);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return settings;
    }

    private Map<String, Object> producerSettings() {
        Map<String, Object> settings = new HashMap<>(client);
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        return settings;
    }
}
