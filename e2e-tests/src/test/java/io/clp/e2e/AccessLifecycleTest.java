package io.clp.e2e;

import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

/**
 * With real Keycloak, Kafka and Debezium: an API key works against several services within its
 * scopes and is refused everywhere within 60 seconds of its revocation; an entity grant lets a
 * viewer edit one DSP account in campaign-service, and stops doing so once revoked; an operator's
 * suspension and quota override reach campaign-service, which enforces them.
 */
@Order(1)
class AccessLifecycleTest {

    private static final Duration BOUND = Duration.ofSeconds(60);

    private static StackClient client;

    @BeforeAll
    static void startStack() {
        client = new StackClient(LocalStack.get().context());
    }

    /** Organizations share one display name on purpose: only slugs are unique, in CLP and in its Keycloak mirror. */
    /** A new organization, once campaign- and audit-service know it. */
    private static String organization(String adminToken, String prefix) {
        String slug = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        String orgId = given().auth().oauth2(adminToken).contentType(ContentType.JSON)
                .body("{\"name\": \"Media team\", \"slug\": \"" + slug + "\"}")
                .when().post(client.service("identity", "/organizations")).then().statusCode(201).extract().path("id");
        client.awaitKnownTo(orgId, "campaign", "audit");
        return orgId;
    }

    private static int status(String key, String service, String path) {
        return given().auth().oauth2(key).when().get(client.service(service, path)).statusCode();
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anApiKeyWorksAcrossServicesWithinItsScopesAndIsRefusedEverywhereWithinAMinuteOfRevocation() throws Exception {
        String admin = client.demoToken();
        String orgId = organization(admin, "keys");
        String keys = client.service("identity", "/organizations/" + orgId + "/api-keys");
        var created = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body("{\"name\": \"reporting\", \"scopes\": [\"member:read\", \"audit_log:read\", \"dsp_account:read\", "
                        + "\"api_key:create\"], \"expiresAt\": \"" + Instant.now().plus(Duration.ofDays(1)) + "\"}")
                .when().post(keys).then().statusCode(201).extract();
        String key = created.path("key");
        String keyId = created.path("apiKey.id");
        String keyPrefix = created.path("apiKey.prefix");
        String members = "/organizations/" + orgId + "/members";
        String auditLogs = "/organizations/" + orgId + "/audit-logs";
        String accounts = "/organizations/" + orgId + "/dsp-accounts";

        // the key's Keycloak client is made from identity's event; then the key works in every service
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> status(key, "identity", members) == 200);
        assertThat(status(key, "audit", auditLogs)).isEqualTo(200);
        assertThat(status(key, "campaign", accounts)).isEqualTo(200);
        // within its scopes only, and in its own organization only
        given().auth().oauth2(key).contentType(ContentType.JSON).body("{\"email\": \"k@clp.test\", \"role\": \"viewer\"}")
                .when().post(client.service("identity", "/organizations/" + orgId + "/invitations"))
                .then().statusCode(403);
        assertThat(status(key, "identity", "/organizations/" + organization(admin, "other") + "/members")).isEqualTo(404);
        // what the key changes is recorded under its prefix, the part of it its owners see (checked in the audit trail below)
        String minted = given().auth().oauth2(key).contentType(ContentType.JSON)
                .body("{\"name\": \"minted by a key\", \"scopes\": [\"member:read\"], "
                        + "\"expiresAt\": \"" + Instant.now().plus(Duration.ofDays(1)) + "\"}")
                .when().post(keys).then().statusCode(201).extract().path("apiKey.id");
        // a forged key is refused
        String forged = key.substring(0, key.length() - 4) + (key.endsWith("0000") ? "1111" : "0000");
        given().auth().oauth2(forged).when().get(client.service("audit", auditLogs))
                .then().statusCode(401).contentType("application/problem+json");

        // its use is recorded
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).until(() ->
                given().auth().oauth2(admin).get(keys).then().extract().path("find { it.id == '" + keyId + "' }.lastUsedAt") != null);

        given().auth().oauth2(admin).when().delete(keys + "/" + keyId).then().statusCode(204);
        Instant revoked = Instant.now();
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() ->
                status(key, "identity", members) == 401 && status(key, "audit", auditLogs) == 401
                        && status(key, "campaign", accounts) == 401);
        assertThat(Duration.between(revoked, Instant.now())).isLessThan(BOUND);

        System.out.printf("API key refused by identity, audit and campaign %d ms after revocation%n",
                Duration.between(revoked, Instant.now()).toMillis());

        // the key's hash reached neither the API nor the audit trail
        String hash = sha256(key);
        given().auth().oauth2(admin).get(keys).then().statusCode(200)
                .body(not(containsString(hash))).body(not(containsString(key.substring(13))));
        // audit-service reads organizations from the token: the admin's fresh token names the new one
        AtomicReference<String> auditor = new AtomicReference<>();
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> {
            auditor.set(client.demoToken());
            return StackClient.hasRole(auditor.get(), orgId, "admin");
        });
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(2)).until(() -> given().auth().oauth2(auditor.get())
                .queryParam("resourceId", keyId).get(client.service("audit", auditLogs))
                .then().extract().<java.util.List<?>>path("items").size() >= 2);
        given().auth().oauth2(auditor.get()).queryParam("resourceId", keyId).get(client.service("audit", auditLogs))
                .then().statusCode(200).body(not(containsString(hash)))
                .body(not(containsString(key.substring(13))));
        // the key's own change names the key by its prefix (as ce_actor does), and its creator as the user
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(2)).until(() -> given().auth().oauth2(auditor.get())
                .queryParam("resourceId", minted).get(client.service("audit", auditLogs))
                .then().extract().path("items.find { it.action == 'create' }.actor") != null);
        given().auth().oauth2(auditor.get()).queryParam("resourceId", minted).get(client.service("audit", auditLogs))
                .then().statusCode(200)
                .body("items.find { it.action == 'create' }.actor.id", equalTo("apikey:" + keyPrefix))
                .body("items.find { it.action == 'create' }.actor.userId", equalTo(StackClient.claims(admin).path("sub").asText()));
    }

    @Test
    void anEntityGrantLetsAViewerEditOneDspAccountUntilItIsRevoked() {
        String admin = client.demoToken();
        String orgId = organization(admin, "grants");
        String email = "viewer-" + UUID.randomUUID().toString().substring(0, 8) + "@clp.test";
        Map<?, ?> invitation = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body("{\"email\": \"" + email + "\", \"role\": \"viewer\"}")
                .when().post(client.service("identity", "/organizations/" + orgId + "/invitations"))
                .then().statusCode(201).extract().as(Map.class);
        // the viewer's user id is their Keycloak subject once their first call has bound the invitation's row
        String viewerId = client.activateInvitee(email, "Viewer-pass-1");
        given().auth().oauth2(client.login(email, "Viewer-pass-1"))
                .post(client.service("identity", "/invitations/" + invitation.get("id") + "/accept")).then().statusCode(200);
        AtomicReference<String> viewer = new AtomicReference<>();
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> {
            viewer.set(client.login(email, "Viewer-pass-1"));
            return StackClient.hasRole(viewer.get(), orgId, "viewer");
        });

        UUID accountId = UUID.randomUUID();
        client.execute("INSERT INTO campaign.dsp_accounts (id, org_id, dsp_type, external_account_id, display_name) "
                + "VALUES (?, CAST(? AS uuid), 'ttd', 'adv-e2e', 'Trade Desk')", accountId, orgId);
        String account = client.service("campaign", "/organizations/" + orgId + "/dsp-accounts/" + accountId);
        java.util.function.IntSupplier rename = () -> given().auth().oauth2(viewer.get()).contentType(ContentType.JSON)
                .body("{\"displayName\": \"Renamed by grant\"}").patch(account).statusCode();
        assertThat(rename.getAsInt()).isEqualTo(403);

        String grantId = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body("{\"userId\": \"" + viewerId + "\", \"entityType\": \"dsp_account\", \"entityId\": \"" + accountId
                        + "\", \"permissions\": [\"view\", \"edit\"]}")
                .when().post(client.service("identity", "/organizations/" + orgId + "/grants"))
                .then().statusCode(201).extract().path("id");
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> rename.getAsInt() == 200);
        given().auth().oauth2(viewer.get()).get(account).then().statusCode(200).body("displayName", equalTo("Renamed by grant"));

        given().auth().oauth2(admin).when().delete(client.service("identity", "/organizations/" + orgId + "/grants/" + grantId))
                .then().statusCode(204);
        Instant revoked = Instant.now();
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> rename.getAsInt() == 403);
        assertThat(Duration.between(revoked, Instant.now())).isLessThan(BOUND);
        System.out.printf("grant no longer honoured by campaign-service %d ms after revocation%n",
                Duration.between(revoked, Instant.now()).toMillis());
    }

    @Test
    void anOperatorsSuspensionAndQuotaOverrideReachTheServicesThatEnforceThem() {
        String demo = client.demoToken();
        String orgId = organization(demo, "operated");
        client.grantRealmRole(StackClient.claims(demo).get("sub").asText(), "clp-operator");
        AtomicReference<String> operator = new AtomicReference<>();
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> {
            operator.set(client.demoToken());
            return StackClient.hasRole(operator.get(), orgId, "admin")
                    && StackClient.claims(operator.get()).path("realm_access").path("roles").toString().contains("clp-operator");
        });
        UUID accountId = UUID.randomUUID();
        client.execute("INSERT INTO campaign.dsp_accounts (id, org_id, dsp_type, external_account_id) "
                + "VALUES (?, CAST(? AS uuid), 'amazon', 'adv-op')", accountId, orgId);
        String operated = client.service("identity", "/operator/organizations/" + orgId);

        // a quota override reaches campaign-service, whose trigger refuses the account past it
        given().auth().oauth2(operator.get()).contentType(ContentType.JSON).body("{\"dsp_accounts\": 1}")
                .put(operated + "/quotas").then().statusCode(204);
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> "1".equals(client.queryText(
                "SELECT quotas ->> 'dsp_accounts' FROM campaign.organization_refs WHERE org_id = CAST(? AS uuid)", orgId)));
        assertThatThrownBy(() -> client.execute(
                        "INSERT INTO campaign.dsp_accounts (org_id, dsp_type, external_account_id) VALUES (CAST(? AS uuid), 'meta', 'x')", orgId))
                .hasMessageContaining("dsp_accounts quota (1) is used up");

        // a suspension makes the organization read-only in campaign-service too
        String account = client.service("campaign", "/organizations/" + orgId + "/dsp-accounts/" + accountId);
        given().auth().oauth2(operator.get()).contentType(ContentType.JSON).body("{\"status\": \"suspended\", \"reason\": \"e2e\"}")
                .put(operated + "/status").then().statusCode(200).body("status", equalTo("suspended"));
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> given().auth().oauth2(operator.get())
                .contentType(ContentType.JSON).body("{\"active\": false}").patch(account).statusCode() == 409);
        given().auth().oauth2(operator.get()).get(account).then().statusCode(200).body("active", equalTo(true));

        given().auth().oauth2(operator.get()).contentType(ContentType.JSON).body("{\"status\": \"active\"}")
                .put(operated + "/status").then().statusCode(200);
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> given().auth().oauth2(operator.get())
                .contentType(ContentType.JSON).body("{\"active\": false}").patch(account).statusCode() == 200);
    }
}
