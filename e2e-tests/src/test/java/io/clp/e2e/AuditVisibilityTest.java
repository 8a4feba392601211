package io.clp.e2e;

import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

/**
 * With the real Debezium connector: a DSP account's token path, metadata and sync error never reach
 * the audit trail, and a reader whose permissions do not read API keys does not see the keys' changes
 * there, while an admin does.
 */
@Order(1)
class AuditVisibilityTest {

    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final String SECRET = "dsp-secret-" + UUID.randomUUID();

    private static StackClient client;

    @BeforeAll
    static void startStack() {
        client = new StackClient(LocalStack.get().context());
    }

    @Test
    void aDspAccountsTokenPathMetadataAndSyncErrorNeverReachTheTrail() {
        String orgId = client.newOrganization("audited", "campaign", "audit");
        UUID accountId = UUID.randomUUID();
        client.execute("INSERT INTO campaign.dsp_accounts (id, org_id, dsp_type, external_account_id, display_name, "
                        + "oauth_token_path, metadata, sync_error) VALUES (?, CAST(? AS uuid), 'ttd', 'adv-audit', "
                        + "'Trade Desk', ?, CAST(? AS jsonb), ?)",
                accountId, orgId, "vault://dsp/" + SECRET, "{\"access_token\": \"" + SECRET + "\"}",
                "401: token " + SECRET + " rejected");

        String admin = client.awaitAdminToken(orgId);
        String auditLogs = client.service("audit", "/organizations/" + orgId + "/audit-logs");
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() ->
                types(admin, auditLogs).contains("dsp_accounts"));

        // the connector dropped the account's secret-bearing columns before they reached Kafka
        Map<String, Object> account = given().auth().oauth2(admin).queryParam("resourceId", accountId)
                .get(auditLogs).then().statusCode(200).body(not(containsString(SECRET)))
                .extract().path("items[0].newValues");
        assertThat(account).containsEntry("display_name", "Trade Desk")
                .doesNotContainKeys("oauth_token_path", "metadata", "sync_error", "credentials_encrypted");
    }

    @Test
    void aReaderWithoutApiKeyReadSeesNoKeyChangesInTheTrail() {
        String orgId = client.newOrganization("keyaudit", "campaign", "audit");
        String admin = client.awaitAdminToken(orgId);
        String key = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body("{\"name\": \"reader\", \"scopes\": [\"audit_log:read\", \"organization:read\"], "
                        + "\"expiresAt\": \"" + Instant.now().plus(Duration.ofDays(1)) + "\"}")
                .when().post(client.service("identity", "/organizations/" + orgId + "/api-keys"))
                .then().statusCode(201).extract().path("key");
        String auditLogs = client.service("audit", "/organizations/" + orgId + "/audit-logs");

        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() ->
                types(admin, auditLogs).containsAll(List.of("organizations", "auth_tokens")));
        // the key's Keycloak client is made from identity's event; then the key reads the trail
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() ->
                given().auth().oauth2(key).get(auditLogs).statusCode() == 200);
        assertThat(types(key, auditLogs)).contains("organizations").doesNotContain("auth_tokens");
    }

    private static List<String> types(String token, String auditLogs) {
        return given().auth().oauth2(token).get(auditLogs).then().statusCode(200).extract().path("items.resourceType");
    }
}
