package io.clp.launcher;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** A single-node KRaft Kafka broker (combined broker and controller) on loopback. */
public final class KafkaComponent extends Component {

    public KafkaComponent(StackContext ctx) {
        super(ctx);
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public int port() {
        return ctx.ports().kafka();
    }

    static String classpath(StackContext ctx) {
        Path file = ctx.layout().artifactPathFile("kafka");
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new StackException("missing " + file + ": build the project first (./clp builds it on up)", e);
        }
    }

    static Path log4jConfig(StackContext ctx, String component) {
        Path file = ctx.layout().conf(component).resolve("log4j2.properties");
        write(file, """
                status = warn
                appender.console.type = Console
                appender.console.name = console
                appender.console.layout.type = PatternLayout
                appender.console.layout.pattern = %d{ISO8601} %-5p [%c{1}] %m%n
                rootLogger.level = info
                rootLogger.appenderRef.console.ref = console
                logger.kafka.name = kafka
                logger.kafka.level = warn
                logger.apache.name = org.apache.kafka
                logger.apache.level = warn
                logger.statechange.name = state.change.logger
                logger.statechange.level = warn
                """);
        return file;
    }

    private Path serverProperties() {
        Path file = ctx.layout().conf(name()).resolve("server.properties");
        int broker = ctx.ports().kafka();
        int controller = ctx.ports().kafkaController();
        write(file, """
                process.roles=broker,controller
                node.id=1
                controller.quorum.bootstrap.servers=127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                log.dirs=%3$s
                num.partitions=3
                offsets.topic.replication.factor=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                auto.create.topics.enable=true
                log.retention.hours=168
                """.formatted(broker, controller, ctx.layout().data(name())));
        return file;
    }

    @Override
    public void prepare() {
        Path props = serverProperties();
        if (Files.exists(ctx.layout().data(name()).resolve("meta.properties"))) {
            return;
        }
        List<String> cmd = javaCommand(ctx, name(), "512m");
        cmd.addAll(List.of("kafka.tools.StorageTool", "format", "--standalone", "--cluster-id=" + clusterId(), "-c", props.toString()));
        ManagedProcess.run(cmd, Map.of(), ctx.layout().home(), Duration.ofMinutes(2));
    }

    @Override
    protected void spawn() {
        List<String> cmd = javaCommand(ctx, name(), "512m");
        cmd.addAll(List.of("kafka.Kafka", serverProperties().toString()));
        ManagedProcess.spawn(cmd, Map.of(), ctx.layout().home(), log(), pidFile());
    }

    static List<String> javaCommand(StackContext ctx, String component, String heap) {
        return new ArrayList<>(List.of(ctx.java(), "-Xms64m", "-Xmx" + heap, "-XX:+UseSerialGC",
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + log4jConfig(ctx, component),
                "-cp", classpath(ctx)));
    }

    @Override
    public boolean healthy() {
        return Probes.tcp(port());
    }

    /** The retention of the event topics (platform-events Topics.EVENTS_RETENTION). */
    public static final Duration EVENTS_RETENTION = Duration.ofDays(7);

    /**
     * The topics of the public contract whose settings matter, created before any service subscribes
     * (a subscription would auto-create them with the broker's defaults): the state topics compacted
     * (a consumer with an empty read model reads every entity's newest state from them), the event
     * topics with a known retention that the services' inbox retention outlives (docs/architecture.md, "Read models"). An
     * existing topic gets the settings too, so a stack from before them is brought up to date.
     */
    public static final Map<String, Map<String, String>> TOPICS = topics();

    private static Map<String, Map<String, String>> topics() {
        Map<String, Map<String, String>> topics = new LinkedHashMap<>();
        for (String state : List.of("clp.state.organization", "clp.state.grant")) {
            topics.put(state, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        for (String events : List.of("clp.events.organization", "clp.events.membership", "clp.events.grant", "clp.events.api-key",
                "clp.events.campaign", "clp.events.dsp-account", "clp.events.metrics-batch", "clp.events.campaign-metrics",
                "clp.events.pipeline-execution")) {
            topics.put(events, Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(EVENTS_RETENTION.toMillis())));
        }
        return topics;
    }

    @Override
    public void afterHealthy() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.kafkaBootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000"))) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            Map<ConfigResource, Collection<AlterConfigOp>> updates = new HashMap<>();
            TOPICS.forEach((topic, config) -> {
                if (existing.contains(topic)) {
                    updates.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), config.entrySet().stream()
                            .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                            .toList());
                } else {
                    missing.add(new NewTopic(topic, Optional.empty(), Optional.empty()).configs(config));
                }
            });
            admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
            admin.incrementalAlterConfigs(updates).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new StackException("Kafka: the contract's topics could not be created: " + e, e);
        }
    }

    /** A KRaft cluster id: 16 random bytes, base64url without padding. */
    /**
     * A random cluster id in Kafka's form (a UUID in unpadded base64url). One id in 64 would begin
     * with {@code -}, which the storage tool's argument parser reads as an option; like Kafka's own
     * {@code Uuid.randomUuid()}, such ids are drawn again (and the id is passed as
     * {@code --cluster-id=...}, so no value can be mistaken for an option).
     */
    static String clusterId() {
        while (true) {
            UUID uuid = UUID.randomUUID();
            ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
