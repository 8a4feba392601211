package io.clp.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole local platform: brings components up in dependency order, waits until each is healthy,
 * and on any failure stops what it started, so nothing is left half-running.
 */
public final class Stack {

    private final StackContext ctx;
    private final PrintStream out;
    private final PostgresComponent postgres;
    private final KafkaComponent kafka;
    private final ConnectComponent connect;
    private final KeycloakComponent keycloak;
    private final DspSimulatorComponent dspSimulator;
    private final S3Component s3;
    private final Map<String, ServiceComponent> services = new LinkedHashMap<>();

    public Stack(StackContext ctx, PrintStream out) {
        this.ctx = ctx;
        this.out = out;
        this.postgres = new PostgresComponent(ctx);
        this.kafka = new KafkaComponent(ctx);
        this.connect = new ConnectComponent(ctx);
        this.keycloak = new KeycloakComponent(ctx);
        this.dspSimulator = new DspSimulatorComponent(ctx);
        this.s3 = new S3Component(ctx);
        ServiceCatalog.NAMES.forEach(s -> services.put(s, new ServiceComponent(ctx, s)));
    }

    public StackContext context() {
        return ctx;
    }

    /** Every component in start order. */
    public List<Component> components() {
        List<Component> all = new ArrayList<>(List.of(postgres, kafka, keycloak, connect, dspSimulator, s3));
        all.addAll(services.values());
        return all;
    }

    public ServiceComponent service(String name) {
        return services.get(name);
    }

    public void up() {
        ctx.layout().createDirectories();
        List<Component> started = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            startAll(started, List.of(postgres, kafka, keycloak));
            await(postgres);
            postgres.afterHealthy();
            await(kafka);
            kafka.afterHealthy();
            startAll(started, List.of(connect, dspSimulator, s3));
            await(keycloak);
            keycloak.afterHealthy();
            await(dspSimulator);
            await(s3);
            startAll(started, List.copyOf(services.values()));
            await(connect);
            for (ServiceComponent service : services.values()) {
                await(service);
            }
        } catch (RuntimeException e) {
            out.println();
            out.println("clp up failed: " + e.getMessage());
            out.println("stopping what this run started ...");
            List<Component> reverse = new ArrayList<>(started);
            Collections.reverse(reverse);
            reverse.forEach(Component::stop);
            throw e;
        }
        out.printf("%nCLP is up in %.1f s.%n", (System.nanoTime() - t0) / 1e9);
    }

    private void startAll(List<Component> started, List<Component> components) {
        for (Component c : components) {
            try {
                if (c.start()) {
                    started.add(c);
                    out.printf("  %-22s starting (port %d, log %s)%n", c.name(), c.port(), c.log());
                } else {
                    out.printf("  %-22s already running%n", c.name());
                }
            } catch (RuntimeException e) {
                throw new ComponentFailure(c, e.getMessage());
            }
        }
    }

    private void await(Component c) {
        long start = System.nanoTime();
        long deadline = start + c.startTimeout().toNanos();
        while (!c.healthy()) {
            if (c.process().isEmpty()) {
                throw new ComponentFailure(c, "its process exited");
            }
            if (System.nanoTime() > deadline) {
                throw new ComponentFailure(c, "it was not healthy within " + c.startTimeout().toSeconds() + " s");
            }
            ManagedProcess.sleep(Duration.ofMillis(500));
        }
        out.printf("  %-22s up (%.1f s)%n", c.name(), (System.nanoTime() - start) / 1e9);
    }

    /** Stops every component that has a PID file, services first. Returns the names stopped. */
    public List<String> down() {
        List<Component> reverse = new ArrayList<>(components());
        Collections.reverse(reverse);
        List<String> stopped = new ArrayList<>();
        for (Component c : reverse) {
            if (c.stop()) {
                stopped.add(c.name());
            }
        }
        return stopped;
    }

    public record ComponentStatus(String name, boolean running, boolean healthy, int port, Optional<Long> pid) {
    }

    public List<ComponentStatus> status() {
        List<ComponentStatus> list = new ArrayList<>();
        for (Component c : components()) {
            Optional<ProcessHandle> process = c.process();
            list.add(new ComponentStatus(c.name(), process.isPresent(), process.isPresent() && c.healthy(), c.port(),
                    process.map(ProcessHandle::pid)));
        }
        return list;
    }

    public void printUrls() {
        out.println();
        out.println("Services (REST API under /api/v1, Swagger UI at /q/swagger-ui, metrics at /q/metrics):");
        services.forEach((name, c) -> out.printf("  %-22s http://127.0.0.1:%d%n", c.name(), c.port()));
        out.println();
        out.printf("Keycloak admin console  %s/admin  (user %s, password in %s)%n", ctx.keycloakUrl(),
                KeycloakComponent.ADMIN_USER, ctx.layout().secretsFile());
        out.printf("Demo login              %s/account  user %s  password %s%n", ctx.realmUrl(),
                KeycloakComponent.DEMO_USER, KeycloakComponent.demoPassword(ctx));
        out.printf("Kafka bootstrap         %s%n", ctx.kafkaBootstrap());
        out.printf("S3 (daily files)        %s  bucket %s, access key %s, secret s3.secret-access-key in %s;%n"
                        + "                        files under %s/orgs/<orgId>/<prefix>/%n",
                "http://127.0.0.1:" + s3.port(), S3Component.BUCKET, S3Component.ACCESS_KEY_ID,
                ctx.layout().secretsFile(), ctx.layout().data(s3.name()).resolve(S3Component.BUCKET));
        out.printf("Kafka Connect REST      http://127.0.0.1:%d/connectors%n", ctx.ports().connect());
        out.printf("PostgreSQL              %s (role per service, passwords in %s)%n", ctx.jdbcUrl(),
                ctx.layout().secretsFile());
    }

    public Optional<Component> component(String name) {
        return components().stream()
                .filter(c -> c.name().equals(name) || c.name().equals(name + "-service"))
                .findFirst();
    }

    /** Deletes the stack's data, logs, configuration and secrets; keeps the unpacked distributions. */
    public void reset() {
        for (String dir : List.of("data", "logs", "run", "conf")) {
            Archives.deleteRecursively(ctx.layout().home().resolve(dir));
        }
        try {
            Files.deleteIfExists(ctx.layout().secretsFile());
        } catch (IOException e) {
            throw new StackException("cannot delete " + ctx.layout().secretsFile(), e);
        }
    }

    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    /** A component that did not come up, named with the log to read. */
    public static final class ComponentFailure extends StackException {
        private final transient Component component;

        ComponentFailure(Component component, String why) {
            super(component.name() + " failed to start: " + why + "\n  read its log: " + component.log()
                    + "\n  last lines:\n" + tail(component.log(), 15).indent(4));
            this.component = component;
        }

        public Component component() {
            return component;
        }
    }
}
