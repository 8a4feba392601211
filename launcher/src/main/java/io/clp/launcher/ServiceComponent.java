package io.clp.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One CLP service, run from its Quarkus build ({@code <service>-service/target/quarkus-app}). */
public final class ServiceComponent extends Component {

    private final String service;

    public ServiceComponent(StackContext ctx, String service) {
        super(ctx);
        this.service = service;
    }

    @Override
    public String name() {
        return ServiceCatalog.module(service);
    }

    @Override
    public int port() {
        return ctx.ports().service(service);
    }

    @Override
    public Duration startTimeout() {
        return Duration.ofSeconds(150);
    }

    Path jar() {
        return ctx.layout().repoRoot().resolve(ServiceCatalog.module(service)).resolve("target/quarkus-app/quarkus-run.jar");
    }

    @Override
    public void prepare() {
        if (!Files.isRegularFile(jar())) {
            throw new StackException(jar() + " is missing: build the services first (./mvnw package -DskipTests)");
        }
    }

    @Override
    protected void spawn() {
        // the full tiered compiler: the services do bulk work (a sync's batches, the audit trail's polls) that C1-only
        // code did at about a third more CPU (docs/sync.md, Throughput). The young generation has its full size from the
        // start: grown with a heap that starts small it stayed near 19 MB, and an API under load paused for a young
        // collection about 25 times a second (6% of the time, and a GC notification to the metrics each time)
        List<String> cmd = List.of(ctx.java(), "-Xms96m", "-Xmx192m", "-Xmn64m", "-XX:+UseSerialGC",
                "-Xss512k", "-jar", jar().toString());
        ManagedProcess.spawn(cmd, environment(), ctx.layout().home(), log(), pidFile());
    }

    /**
     * The settings a service reads (see its application.properties), pointed at this stack. A
     * service gets the Keycloak client secret only if it authenticates to Keycloak as its own client.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_HTTP_HOST", ctx.bindHost());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port()));
        env.put("CLP_DB_HOST", "127.0.0.1");
        env.put("CLP_DB_PORT", Integer.toString(ctx.ports().postgres()));
        env.put("CLP_DB_NAME", ctx.databaseName());
        env.put("CLP_DB_USER", ServiceCatalog.role(service));
        env.put("CLP_DB_PASSWORD", ctx.databasePassword(service));
        env.put("KAFKA_BOOTSTRAP_SERVERS", ctx.kafkaBootstrap());
        env.put("CLP_OIDC_URL", ctx.realmUrl());
        if (KeycloakComponent.CONFIDENTIAL_CLIENTS.contains(name())) {
            env.put("CLP_OIDC_CLIENT_SECRET", KeycloakComponent.clientSecret(ctx, name()));
        }
        env.put("CLP_KEYCLOAK_URL", ctx.keycloakUrl());
        if (service.equals("pipeline")) {
            // daily files of pipelines whose source is an S3 prefix: the stack's S3-compatible server
            env.putAll(S3Component.serviceEnvironment(ctx));
            // daily files of pipelines whose source is a directory: <data>/pipeline-files/<orgId>/<path>
            env.put("CLP_PIPELINES_FILES_ROOT", filesRoot(ctx).toString());
            // campaign-service's internal API, called as pipeline-service's own service account (docs/adr/0012)
            env.put("CLP_INTERNAL_CAMPAIGN_SERVICE_URL", "http://" + ctx.probeHost() + ":" + ctx.ports().service("campaign"));
            env.put("CLP_INTERNAL_CLIENT_ID", KeycloakComponent.PIPELINE_CLIENT);
            env.put("CLP_INTERNAL_CLIENT_SECRET", KeycloakComponent.clientSecret(ctx, KeycloakComponent.PIPELINE_CLIENT));
        }
        if (service.equals("campaign") || service.equals("pipeline")) {
            // the connectors (campaign-service's sync, pipeline-service's DSP reports) call the stack's DSP simulator
            // instead of the DSPs' production hosts
            DspSimulatorComponent.endpoints(ctx).forEach((name, url) -> env.put("CLP_DSP_ENDPOINTS_" + name, url));
        }
        if (service.equals("campaign")) {
            // the key that encrypts DSP credentials at rest: generated once per installation, kept with its secrets
            env.put("CLP_CRYPTO_ACTIVE_KEY_ID", "local");
            env.put("CLP_CRYPTO_KEYS_LOCAL", ctx.secrets().key("crypto.keys.local"));
        }
        return env;
    }

    /** The folder pipeline-service reads directory sources from (one subfolder per organization, named by its id). */
    public static Path filesRoot(StackContext ctx) {
        return ctx.layout().data("pipeline-files");
    }

    @Override
    public boolean healthy() {
        return Probes.httpOk("http://" + ctx.probeHost() + ":" + port() + "/q/health/ready");
    }
}
