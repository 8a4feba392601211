package io.clp.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
