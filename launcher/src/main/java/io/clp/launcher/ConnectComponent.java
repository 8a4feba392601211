package io.clp.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Kafka Connect (standalone worker) running Debezium's PostgreSQL connector twice: table CDC for the
 * audit trail and the outbox event router for the public event topics. Connector settings come from
 * {@code deploy/debezium/*.properties}, the same files the Helm chart ships.
 */
public final class ConnectComponent extends Component {

    static final List<String> CONNECTORS = List.of("clp-cdc", "clp-outbox");
    private static final ObjectMapper JSON = new ObjectMapper();

    public ConnectComponent(StackContext ctx) {
        super(ctx);
    }

    @Override
    public String name() {
        return "connect";
    }

    @Override
    public int port() {
        return ctx.ports().connect();
    }

    @Override
    public Duration startTimeout() {
        return Duration.ofSeconds(150);
    }

    private Path pluginPath() {
        Path file = ctx.layout().artifactPathFile("debezium");
        Path archive;
        try {
            archive = Path.of(Files.readString(file).trim());
        } catch (IOException e) {
            throw new StackException("missing " + file + ": build the project first", e);
        }
        Path plugins = ctx.layout().dist().resolve("connect-plugins");
        Archives.unpackOnce(archive, plugins, "the Debezium PostgreSQL connector");
        return plugins;
    }

    @Override
    protected void spawn() {
        Path conf = ctx.layout().conf(name());
        Path data = ctx.layout().data(name());
        KafkaComponent.write(conf.resolve("worker.properties"), """
                bootstrap.servers=%s
                key.converter=org.apache.kafka.connect.json.JsonConverter
                value.converter=org.apache.kafka.connect.json.JsonConverter
                key.converter.schemas.enable=false
                value.converter.schemas.enable=false
                offset.storage.file.filename=%s
                offset.flush.interval.ms=1000
                connector.client.config.override.policy=All
                plugin.path=%s
                plugin.discovery=service_load
                listeners=http://127.0.0.1:%d
                """.formatted(ctx.kafkaBootstrap(), data.resolve("offsets.dat"), pluginPath(), port()));
        List<String> cmd = KafkaComponent.javaCommand(ctx, name(), "512m");
        cmd.add("org.apache.kafka.connect.cli.ConnectStandalone");
        cmd.add(conf.resolve("worker.properties").toString());
        for (String connector : CONNECTORS) {
            cmd.add(connectorConfig(connector).toString());
        }
        try {
            Files.createDirectories(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ManagedProcess.spawn(cmd, Map.of(), ctx.layout().home(), log(), pidFile());
    }

    Path connectorConfig(String connector) {
        Path template = ctx.layout().repoRoot().resolve("deploy/debezium/" + connector + ".properties");
        try {
            String text = Files.readString(template)
                    .replace("${DB_HOST}", "127.0.0.1")
                    .replace("${DB_PORT}", Integer.toString(ctx.ports().postgres()))
                    .replace("${DB_NAME}", ctx.databaseName())
                    .replace("${CDC_USER}", DatabaseBootstrap.CDC_ROLE)
                    .replace("${CDC_PASSWORD}", ctx.databasePassword("cdc"));
            Path out = ctx.layout().conf(name()).resolve(connector + ".properties");
            // holds the CDC role's password
            PrivateFiles.write(out, text);
            return out;
        } catch (IOException e) {
            throw new StackException("cannot read connector settings " + template, e);
        }
    }

    @Override
    public boolean healthy() {
        for (String connector : CONNECTORS) {
            String body = Probes.httpBody("http://127.0.0.1:" + port() + "/connectors/" + connector + "/status");
            if (body == null || !running(body)) {
                return false;
            }
        }
        return true;
    }

    static boolean running(String statusJson) {
        try {
            JsonNode status = JSON.readTree(statusJson);
            if (!"RUNNING".equals(status.path("connector").path("state").asText())) {
                return false;
            }
            JsonNode tasks = status.path("tasks");
            if (!tasks.isArray() || tasks.isEmpty()) {
                return false;
            }
            for (JsonNode task : tasks) {
                if (!"RUNNING".equals(task.path("state").asText())) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
