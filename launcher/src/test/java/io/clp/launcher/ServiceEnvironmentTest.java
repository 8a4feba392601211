package io.clp.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What each process of the local stack is handed: only the secrets it uses, and a loopback address. */
class ServiceEnvironmentTest {

    @TempDir
    Path home;

    /** Every secret of the installation, by value, once every component has asked for its own. */
    private Map<String, String> allSecrets(StackContext ctx) throws IOException {
        KeycloakComponent.environment(ctx);
        for (String service : ServiceCatalog.NAMES) {
            new ServiceComponent(ctx, service).environment();
        }
        ctx.databasePassword("cdc");
        ctx.secrets().get("db.superuser");
        Properties stored = new Properties();
        try (Reader reader = Files.newBufferedReader(ctx.layout().secretsFile())) {
            stored.load(reader);
        }
        Map<String, String> byValue = new java.util.HashMap<>();
        stored.forEach((key, value) -> byValue.put((String) value, (String) key));
        return byValue;
    }

    private static Set<String> secretsIn(Map<String, String> environment, Map<String, String> secretsByValue) {
        Set<String> names = new HashSet<>();
        environment.values().forEach(value -> {
            if (secretsByValue.containsKey(value)) {
                names.add(secretsByValue.get(value));
            }
        });
        return names;
    }

    @Test
    void eachServiceReceivesItsOwnDatabasePasswordAndOnlyTheServicesWithAClientTheirOwnKeycloakClientSecret() throws IOException {
        StackContext ctx = TestStacks.context(home);
        Map<String, String> secrets = allSecrets(ctx);
        for (String service : ServiceCatalog.NAMES) {
            Map<String, String> env = new ServiceComponent(ctx, service).environment();
            Set<String> expected = switch (service) {
                case "identity" -> Set.of("db.identity", "keycloak.client.identity-service");
                case "campaign" -> Set.of("db.campaign", "crypto.keys.local");
                case "pipeline" -> Set.of("db.pipeline", "s3.secret-access-key", "keycloak.client.clp-pipeline-service");
                default -> Set.of("db." + service);
            };
            assertThat(secretsIn(env, secrets)).as("secrets handed to %s-service", service)
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(env.containsKey("CLP_OIDC_CLIENT_SECRET")).as("%s-service gets a client secret", service)
                    .isEqualTo(service.equals("identity"));
        }
    }

    @Test
    void campaignServiceCallsTheStacksDspSimulatorAndEncryptsWithAGeneratedKeyKeptAcrossStarts() {
        StackContext ctx = TestStacks.context(home);
        Map<String, String> env = new ServiceComponent(ctx, "campaign").environment();
        assertThat(env).containsEntry("CLP_DSP_ENDPOINTS_DV360", "http://127.0.0.1:8290/dv360")
                .containsEntry("CLP_DSP_ENDPOINTS_BID_MANAGER", "http://127.0.0.1:8290/bidmanager")
                .containsEntry("CLP_DSP_ENDPOINTS_AMAZON_AUTH", "http://127.0.0.1:8290/amazon-auth")
                .containsEntry("CLP_CRYPTO_ACTIVE_KEY_ID", "local");
        assertThat(java.util.Base64.getDecoder().decode(env.get("CLP_CRYPTO_KEYS_LOCAL"))).hasSize(32);
        assertThat(new ServiceComponent(TestStacks.context(home), "campaign").environment().get("CLP_CRYPTO_KEYS_LOCAL"))
                .isEqualTo(env.get("CLP_CRYPTO_KEYS_LOCAL"));
        assertThat(new ServiceComponent(ctx, "pipeline").environment()).doesNotContainKeys("CLP_CRYPTO_KEYS_LOCAL");
        assertThat(Ports.defaults().shiftedBy(20000).dspSimulator()).isEqualTo(28290);
    }

    @Test
    void identityServiceHoldsTheSecretKeycloakKnowsItsClientBy() {
        StackContext ctx = TestStacks.context(home);
        Map<String, String> keycloak = KeycloakComponent.environment(ctx);
        String secret = new ServiceComponent(ctx, "identity").environment().get("CLP_OIDC_CLIENT_SECRET");
        assertThat(secret).isNotBlank()
                .isEqualTo(keycloak.get("CLP_IDENTITY_SERVICE_CLIENT_SECRET"))
                .isNotEqualTo(keycloak.get("KC_BOOTSTRAP_ADMIN_PASSWORD"))
                .isNotEqualTo(keycloak.get("CLP_DEMO_PASSWORD"));
        assertThat(keycloak).doesNotContainKey("CLP_SERVICE_CLIENT_SECRET");
    }

    @Test
    void pipelineServiceReadsDirectorySourcesUnderTheStacksData() {
        StackContext ctx = TestStacks.context(home);
        assertThat(new ServiceComponent(ctx, "pipeline").environment())
                .containsEntry("CLP_PIPELINES_FILES_ROOT", ctx.layout().data("pipeline-files").toString());
        assertThat(new ServiceComponent(ctx, "campaign").environment()).doesNotContainKey("CLP_PIPELINES_FILES_ROOT");
    }

    @Test
    void pipelineServiceCallsCampaignServiceAsTheServiceAccountKeycloakKnows() {
        StackContext ctx = TestStacks.context(home);
        Map<String, String> keycloak = KeycloakComponent.environment(ctx);
        Map<String, String> env = new ServiceComponent(ctx, "pipeline").environment();
        assertThat(env).containsEntry("CLP_INTERNAL_CLIENT_ID", "clp-pipeline-service")
                .containsEntry("CLP_INTERNAL_CAMPAIGN_SERVICE_URL", "http://127.0.0.1:" + ctx.ports().service("campaign"));
        assertThat(env.get("CLP_INTERNAL_CLIENT_SECRET")).isNotBlank()
                .isEqualTo(keycloak.get("CLP_PIPELINE_SERVICE_CLIENT_SECRET"))
                .isNotEqualTo(keycloak.get("CLP_IDENTITY_SERVICE_CLIENT_SECRET"));
        assertThat(env).doesNotContainKey("CLP_OIDC_CLIENT_SECRET");
    }

    @Test
    void keycloakReceivesNoDatabasePassword() throws IOException {
        StackContext ctx = TestStacks.context(home);
        Map<String, String> secrets = allSecrets(ctx);
        assertThat(secretsIn(KeycloakComponent.environment(ctx), secrets)).containsExactlyInAnyOrder(
                "keycloak.admin", "keycloak.demo", "keycloak.client.identity-service", "keycloak.client.clp-pipeline-service");
    }

    @Test
    void servicesListenOnLoopbackByDefault() {
        StackContext ctx = TestStacks.context(home);
        for (String service : ServiceCatalog.NAMES) {
            assertThat(new ServiceComponent(ctx, service).environment()).as("%s-service", service)
                    .containsEntry("QUARKUS_HTTP_HOST", "127.0.0.1");
        }
    }

    @Test
    void theBindAddressIsConfigurableAndTheLauncherStillReachesTheServices() {
        assertThat(StackContext.bindHost(Map.of())).isEqualTo("127.0.0.1");
        assertThat(StackContext.bindHost(Map.of("CLP_BIND_HOST", " "))).isEqualTo("127.0.0.1");
        assertThat(StackContext.bindHost(Map.of("CLP_BIND_HOST", "0.0.0.0"))).isEqualTo("0.0.0.0");
        assertThat(StackContext.probeHost("0.0.0.0")).isEqualTo("127.0.0.1");
        assertThat(StackContext.probeHost("192.168.1.20")).isEqualTo("192.168.1.20");
        assertThat(StackContext.probeHost("::1")).isEqualTo("[::1]");
    }

    @Test
    void aKeycloakInstalledBeforePerClientSecretsKeepsWorkingWithTheSecretItWasImportedWith() throws IOException {
        StackContext ctx = TestStacks.context(home);
        ctx.secrets().put(KeycloakComponent.LEGACY_SHARED_SECRET, "old-shared");
        Files.createDirectories(ctx.layout().data("keycloak").resolve("keycloak-26.7.3/data/h2"));
        new KeycloakComponent(ctx).keepLegacySecret();
        assertThat(KeycloakComponent.clientSecret(ctx, "identity-service")).isEqualTo("old-shared");
    }

    @Test
    void aFreshKeycloakNeverTakesTheOldSharedSecret() {
        StackContext ctx = TestStacks.context(home);
        ctx.secrets().put(KeycloakComponent.LEGACY_SHARED_SECRET, "old-shared");
        new KeycloakComponent(ctx).keepLegacySecret();
        assertThat(KeycloakComponent.clientSecret(ctx, "identity-service")).isNotEqualTo("old-shared");
    }

    @Test
    void onlyPipelineServiceReadsTheStacksS3BucketWhoseSettingsStayOwnerOnly() throws IOException {
        StackContext ctx = TestStacks.context(home);
        Map<String, String> env = new ServiceComponent(ctx, "pipeline").environment();
        assertThat(env).containsEntry("CLP_PIPELINES_S3_ENDPOINT", "http://127.0.0.1:8300")
                .containsEntry("CLP_PIPELINES_S3_BUCKET", S3Component.BUCKET)
                .containsEntry("CLP_PIPELINES_S3_PATH_STYLE", "true")
                .containsEntry("CLP_PIPELINES_S3_ACCESS_KEY_ID", S3Component.ACCESS_KEY_ID)
                .containsEntry("CLP_PIPELINES_S3_SECRET_ACCESS_KEY", ctx.secrets().get("s3.secret-access-key"));
        for (String service : ServiceCatalog.NAMES) {
            if (!service.equals("pipeline")) {
                assertThat(new ServiceComponent(ctx, service).environment().keySet())
                        .as("%s-service", service).noneMatch(key -> key.startsWith("CLP_PIPELINES_S3_"));
            }
        }
        assertThat(Ports.defaults().shiftedBy(20000).s3()).isEqualTo(28300);

        ctx.layout().createDirectories();
        S3Component s3 = new S3Component(ctx);
        s3.prepare();
        assertThat(ctx.layout().data("s3").resolve(S3Component.BUCKET)).isDirectory();
        // the filesystem backend would answer unsigned requests for what other users may read
        for (Path dir : java.util.List.of(ctx.layout().data("s3"), ctx.layout().data("s3").resolve(S3Component.BUCKET))) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                    .as(dir.toString()).isEqualTo("rwx------");
        }
        Path conf = ctx.layout().conf("s3").resolve("s3proxy.conf");
        assertThat(Files.readString(conf)).contains("s3proxy.credential=" + ctx.secrets().get("s3.secret-access-key"))
                .contains("s3proxy.endpoint=http://127.0.0.1:8300");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)))
                .isEqualTo("rw-------");
    }
}
