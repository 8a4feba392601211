package io.clp.platform.messaging;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The gauge {@code clp_dead_letter_messages{topic}}: messages on each of this service's dead-letter
 * topics that have not been replayed yet, that is the topic's end offsets minus the offsets committed
 * by its replay group ({@value #REPLAY_GROUP_SUFFIX} after the topic's name, the group {@code ./clp dlq
 * replay} commits). It is measured with the Kafka admin client every
 * {@code clp.events.dead-letters.measure-every}, not on each scrape, and keeps its last value while
 * Kafka does not answer. Alert on it being above 0.
 */
@ApplicationScoped
public class DeadLetterDepth {

    /** The replay group of a dead-letter topic is the topic's name followed by this. */
    public static final String REPLAY_GROUP_SUFFIX = ".replay";

    private static final Logger LOG = Logger.getLogger(DeadLetterDepth.class);
    private static final Pattern DLQ_TOPIC = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.dead-letter-queue\\.topic");

    private final Config config;
    private final MeterRegistry registry;
    private final Instance<Map<String, Object>> kafkaConfig;
    private final Map<String, AtomicLong> depths = new ConcurrentHashMap<>();
    private Admin admin;

    public DeadLetterDepth(Config config, MeterRegistry registry,
            @Identifier("default-kafka-broker") Instance<Map<String, Object>> kafkaConfig) {
        this.config = config;
        this.registry = registry;
        this.kafkaConfig = kafkaConfig;
    }

    /** The dead-letter topics of this service's enabled channels. */
    Set<String> topics() {
        Set<String> topics = new TreeSet<>();
        for (String name : config.getPropertyNames()) {
            Matcher m = DLQ_TOPIC.matcher(name);
            if (m.matches() && config.getOptionalValue("mp.messaging.incoming." + m.group(1) + ".enabled", Boolean.class).orElse(true)) {
                config.getOptionalValue(name, String.class).ifPresent(topics::add);
            }
        }
        return topics;
    }

    @Scheduled(every = "{clp.events.dead-letters.measure-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void measure() {
        for (String topic : topics()) {
            try {
                long depth = depth(topic);
                depths.computeIfAbsent(topic, this::register).set(depth);
            } catch (Exception e) {
                LOG.debugf("dead-letter depth of %s not measured now: %s", topic, e.toString());
            }
        }
    }

    /** The last measured depth of {@code topic}, or -1 before the first measurement. */
    public long last(String topic) {
        AtomicLong depth = depths.get(topic);
        return depth == null ? -1 : depth.get();
    }

    private AtomicLong register(String topic) {
        AtomicLong value = new AtomicLong();
        Gauge.builder("clp.dead.letter.messages", value, AtomicLong::get)
                .description("Messages on the dead-letter topic not yet replayed (./clp dlq)")
                .tag("topic", topic)
                .register(registry);
        return value;
    }

    private long depth(String topic) throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        Admin admin = admin();
        TopicDescription description;
        try {
            description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return 0; // nothing was ever dead-lettered
            }
            throw e;
        }
        List<TopicPartition> partitions = description.partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest())))
                .all().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = admin.listOffsets(
                partitions.stream().collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.earliest())))
                .all().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> replayed = admin.listConsumerGroupOffsets(topic + REPLAY_GROUP_SUFFIX)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        long depth = 0;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata done = replayed.get(partition);
            long from = Math.max(starts.get(partition).offset(), done == null ? 0 : done.offset());
            depth += Math.max(0, ends.get(partition).offset() - from);
        }
        return depth;
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> settings = new HashMap<>();
            if (kafkaConfig.isResolvable()) {
                kafkaConfig.get().forEach((key, value) -> {
                    if (AdminClientConfig.configNames().contains(key) || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                        settings.put(key, value);
                    }
                });
            }
            settings.putIfAbsent(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.getValue("kafka.bootstrap.servers", String.class));
            settings.put(AdminClientConfig.CLIENT_ID_CONFIG, config.getValue("clp.service.name", String.class) + "-dead-letter-depth");
            settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
            settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
            admin = Admin.create(settings);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }
}
