package io.clp.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keycloak in development mode on loopback, importing the project's realm
 * ({@code deploy/keycloak/clp-realm.json}) on first start. Secrets referenced by the realm file as
 * {@code ${CLP_...}} are handed to Keycloak through its environment.
 */
public final class KeycloakComponent extends Component {

    public static final String DEMO_USER = "demo";
    public static final String ADMIN_USER = "admin";

    public KeycloakComponent(StackContext ctx) {
        super(ctx);
    }

    @Override
    public String name() {
        return "keycloak";
    }

    @Override
    public int port() {
        return ctx.ports().keycloak();
    }

    @Override
    public Duration startTimeout() {
        // the first start builds Keycloak's optimized image and imports the realm
        return Duration.ofSeconds(240);
    }

    /** The unpacked distribution; Keycloak keeps its development database inside it, so it counts as data. */
    private Path home() {
        return ctx.layout().data(name());
    }

    @Override
    public void prepare() {
        Path file = ctx.layout().artifactPathFile("keycloak");
        Path archive;
        try {
            archive = Path.of(Files.readString(file).trim());
        } catch (IOException e) {
            throw new StackException("missing " + file + ": build the project first", e);
        }
        Archives.unpackOnce(archive, home(), "Keycloak");
        try {
            Path importDir = distRoot().resolve("data/import");
            Files.createDirectories(importDir);
            Files.copy(ctx.layout().repoRoot().resolve("deploy/keycloak/clp-realm.json"),
                    importDir.resolve("clp-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StackException("cannot place the realm for import: " + e.getMessage(), e);
        }
    }

    private Path distRoot() {
        try (var list = Files.list(home())) {
            return list.filter(p -> p.getFileName().toString().startsWith("keycloak-") && Files.isDirectory(p))
                    .findFirst()
                    .orElseThrow(() -> new StackException("no keycloak-* folder in " + home()));
        } catch (IOException e) {
            throw new StackException("cannot read " + home(), e);
        }
    }

    @Override
    protected void spawn() {
        Path root = distRoot();
        List<String> cmd = List.of(root.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + port(),
                "--http-management-port=" + ctx.ports().keycloakManagement(),
                "--health-enabled=true",
                "--import-realm");
        ManagedProcess.spawn(cmd, environment(ctx), root, log(), pidFile());
    }

    static Map<String, String> environment(StackContext ctx) {
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", ctx.javaHome().toString());
        env.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ctx.secrets().get("keycloak.admin"));
        env.put("CLP_DEMO_PASSWORD", demoPassword(ctx));
        env.put("CLP_SERVICE_CLIENT_SECRET", ctx.secrets().get("keycloak.service-client"));
        return env;
    }

    public static String demoPassword(StackContext ctx) {
        return ctx.secrets().get("keycloak.demo");
    }

    @Override
    public boolean healthy() {
        return Probes.httpOk("http://127.0.0.1:" + ctx.ports().keycloakManagement() + "/health/ready")
                && Probes.httpOk(ctx.realmUrl() + "/.well-known/openid-configuration");
    }
}
