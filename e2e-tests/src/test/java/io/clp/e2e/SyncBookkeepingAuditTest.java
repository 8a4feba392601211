package io.clp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With the real Debezium connector and deploy/debezium/clp-cdc.properties: the hierarchy sync's bookkeeping (an
 * account's lease taken and renewed, a run's progress written page by page) leaves no entry in the audit trail, while
 * the run's status changes, its final counts and the account's sync outcome do. The statements are the sync's own
 * (io.clp.campaign.sync.SyncStore), run directly so that the number of pages and renewals is known.
 */
@Order(1)
class SyncBookkeepingAuditTest {

    private static final Duration BOUND = Duration.ofSeconds(60);

    private static StackClient client;

    @BeforeAll
    static void startStack() {
        client = new StackClient(LocalStack.get().context());
    }

    @Test
    void aSyncsLeaseAndProgressLeaveNoEntryWhileItsStatusFinalCountsAndOutcomeDo() throws Exception {
        String orgId = client.newOrganization("syncaudit", "campaign", "audit");
        String admin = client.awaitAdminToken(orgId);
        String auditLogs = client.service("audit", "/organizations/" + orgId + "/audit-logs");

        UUID accountId = UUID.randomUUID();
        UUID runId = UUID.randomUUID();
        // not due for a day: the stack's own campaign-service would otherwise claim it (before the lease below, or once
        // it is released), find no credentials and record that failure on the account, an entry this test does not make
        client.execute("INSERT INTO campaign.dsp_accounts (id, org_id, dsp_type, external_account_id, display_name, next_sync_at) "
                + "VALUES (?, CAST(? AS uuid), 'ttd', 'adv-sync-audit', 'Trade Desk', now() + interval '1 day')", accountId, orgId);
        // claimDue: the lease taken
        client.execute("UPDATE campaign.dsp_accounts SET sync_lease_owner = 'instance-1', "
                + "sync_lease_until = now() + make_interval(secs => 120) WHERE id = ?", accountId);
        String accountChangedAt = client.queryText("SELECT updated_at::text FROM campaign.dsp_accounts WHERE id = ?", accountId);
        // begin: a new run
        client.execute("INSERT INTO campaign.sync_runs (id, org_id, dsp_account_id, kind, trigger, status, started_at, heartbeat_at) "
                + "VALUES (?, CAST(? AS uuid), ?, 'full', 'scheduled', 'running', now(), now())", runId, orgId, accountId);
        for (int page = 1; page <= 3; page++) {
            // writePage: the page's checkpoint and progress
            client.execute("UPDATE campaign.sync_runs SET checkpoint = CAST(? AS jsonb), counts = CAST(? AS jsonb), pages = ?, "
                            + "dsp_wait_ms = ?, write_ms = ?, heartbeat_at = now() WHERE id = ?",
                    "{\"level\": \"CAMPAIGN\", \"pageToken\": \"p" + page + "\"}", counts(page * 100), page, page * 40L,
                    page * 7L, runId);
            // heartbeat: the lease renewed
            client.execute("UPDATE campaign.dsp_accounts SET sync_lease_until = now() + make_interval(secs => 120) "
                    + "WHERE id = ? AND sync_lease_owner = 'instance-1' AND sync_lease_until > now()", accountId);
            client.execute("UPDATE campaign.sync_runs SET heartbeat_at = now() WHERE id = ?", runId);
        }
        assertThat(client.queryText("SELECT updated_at::text FROM campaign.dsp_accounts WHERE id = ?", accountId))
                .as("a lease taken or renewed is not a change of the account").isEqualTo(accountChangedAt);
        // succeed: the run ends, the account records the outcome and lets go of the lease
        client.execute("UPDATE campaign.sync_runs SET status = 'succeeded', finished_at = now(), counts = CAST(? AS jsonb), "
                + "heartbeat_at = now(), checkpoint = '{\"level\": \"DONE\"}'::jsonb, retryable = false, error = NULL, "
                + "dsp_wait_ms = 160, write_ms = 30 WHERE id = ?", counts(320), runId);
        client.execute("UPDATE campaign.dsp_accounts SET last_sync_at = now(), last_sync_status = 'succeeded', sync_error = NULL, "
                + "sync_failures = 0, sync_lease_owner = NULL, sync_lease_until = NULL WHERE id = ?", accountId);

        // a row's change events share a partition, in commit order: once the last is in the trail, all before it are
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() ->
                entries(admin, auditLogs, runId).stream().anyMatch(e -> "succeeded".equals(newValues(e).get("status")))
                && entries(admin, auditLogs, accountId).stream()
                        .anyMatch(e -> "succeeded".equals(newValues(e).get("last_sync_status"))));
        List<Map<String, Object>> run = entries(admin, auditLogs, runId);
        assertThat(run).extracting(e -> e.get("action")).as("the run's start and its end, not its pages or heartbeats")
                .containsExactlyInAnyOrder("create", "update");
        Map<String, Object> ended = changes(the(run, "update"));
        assertThat(ended).containsKeys("status", "finished_at", "final_counts")
                .doesNotContainKeys("checkpoint", "counts", "pages", "dsp_wait_ms", "write_ms", "heartbeat_at", "updated_at");
        assertThat(newValue(ended, "status")).isEqualTo("succeeded");
        JsonNode finalCounts = StackClient.JSON.readTree((String) newValue(ended, "final_counts"));
        assertThat(finalCounts.path("CAMPAIGN").path("seen").asInt()).as("the final counts reach the trail").isEqualTo(320);
        assertThat(newValues(the(run, "create"))).containsEntry("status", "running")
                .doesNotContainKeys("checkpoint", "counts", "heartbeat_at");

        List<Map<String, Object>> account = entries(admin, auditLogs, accountId);
        assertThat(account).extracting(e -> e.get("action")).as("the account's creation and its sync outcome, not its lease")
                .containsExactlyInAnyOrder("create", "update");
        Map<String, Object> outcome = changes(the(account, "update"));
        assertThat(outcome).containsKeys("last_sync_at", "last_sync_status", "updated_at")
                .doesNotContainKeys("sync_lease_owner", "sync_lease_until");
        assertThat(newValue(outcome, "last_sync_status")).isEqualTo("succeeded");
    }

    private static String counts(int campaigns) {
        return "{\"CAMPAIGN\": {\"seen\": " + campaigns + ", \"created\": " + campaigns + ", \"changed\": 0, \"removed\": 0}}";
    }

    /** The row's entries (the trail orders them by when it recorded them: a change and the next can share a poll). */
    private static List<Map<String, Object>> entries(String token, String auditLogs, UUID resourceId) {
        return given().auth().oauth2(token).queryParam("resourceId", resourceId).queryParam("limit", 50)
                .get(auditLogs).then().statusCode(200).extract().path("items");
    }

    private static Map<String, Object> the(List<Map<String, Object>> entries, String action) {
        return entries.stream().filter(e -> action.equals(e.get("action"))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> newValues(Map<String, Object> entry) {
        return entry.get("newValues") == null ? Map.of() : (Map<String, Object>) entry.get("newValues");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> changes(Map<String, Object> entry) {
        return (Map<String, Object>) entry.get("changes");
    }

    @SuppressWarnings("unchecked")
    private static Object newValue(Map<String, Object> changes, String column) {
        return ((Map<String, Object>) changes.get(column)).get("new");
    }
}
