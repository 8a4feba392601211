package io.clp.campaign.client;

import io.clp.campaign.CampaignFixtures;
import io.clp.campaign.HierarchyFixtures;
import io.clp.campaign.HierarchyFixtures.Chain;
import io.clp.campaign.SimulatedDsps;
import io.clp.campaign.metrics.MetricsBatches;
import io.clp.events.pipeline.MetricsBatch;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static io.clp.campaign.metrics.MetricsBatches.batch;
import static io.clp.campaign.metrics.MetricsBatches.row;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client-isolation matrix: a member with the client role sees, through every endpoint, the clients they hold a
 * view grant on and those clients' campaigns, hierarchy and metrics, and nothing of another client, of a campaign
 * without a client, or (without a live grant) of any client. The same reads by a viewer see everything: the
 * limit is the role's, not the data's.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class ClientIsolationTest {

    private UUID org;
    /** The granted client's chain, another client's, and one no client holds. */
    private Chain mine;
    private Chain theirs;
    private Chain nobodys;
    private UUID myClient;
    private UUID theirClient;

    @BeforeEach
    void organizationWithTwoClients() {
        org = UUID.randomUUID();
        mine = HierarchyFixtures.chain(org);
        theirs = HierarchyFixtures.chain(org);
        nobodys = HierarchyFixtures.chain(org);
        myClient = CampaignFixtures.client(org, "Mine");
        theirClient = CampaignFixtures.client(org, "Theirs");
        CampaignFixtures.linkAccount(org, myClient, mine.accountId());
        CampaignFixtures.linkAccount(org, theirClient, theirs.accountId());
        TestDatabase.execute("INSERT INTO campaign.client_cpm_rates (client_id, effective_date, org_id, cpm) VALUES "
                + "(?, DATE '2026-01-01', ?, 2), (?, DATE '2026-01-01', ?, 3)", myClient, org, theirClient, org);
        List<MetricsBatch.Row> rows = new ArrayList<>();
        for (Chain c : List.of(mine, theirs, nobodys)) {
            rows.add(row("campaign", c.campaignId(), "2026-08-01", 1000, 1, 0, 0, "1", "0"));
            rows.add(row("creative", c.creativeId(), "2026-08-01", 1000, 1, 0, 0, "1", "0"));
        }
        MetricsBatch b = batch(org, rows);
        MetricsBatches.publish(b);
        MetricsBatches.awaitRecorded(b.batchId());
    }

    private User clientMember() {
        User user = User.member(org, "client");
        CampaignFixtures.grant(org, user.id(), "client", myClient, "view");
        return user;
    }

    private static int status(User user, String path) {
        return given().auth().oauth2(TestTokens.token(user)).when().get(path).then().extract().statusCode();
    }

    private static List<String> ids(User user, String path, String field) {
        return given().auth().oauth2(TestTokens.token(user)).when().get(path).then().statusCode(200).extract().jsonPath()
                .getList(field, String.class);
    }

    /** Every read of one chain's data, by name. */
    private Map<String, String> readsOf(Chain c, UUID clientId) {
        String o = "/api/v1/organizations/" + org;
        Map<String, String> reads = new LinkedHashMap<>();
        reads.put("campaign", o + "/campaigns/" + c.campaignId());
        reads.put("its insertion orders", o + "/campaigns/" + c.campaignId() + "/insertion-orders");
        reads.put("insertion order", o + "/insertion-orders/" + c.insertionOrderId());
        reads.put("its line items", o + "/insertion-orders/" + c.insertionOrderId() + "/line-items");
        reads.put("line item", o + "/line-items/" + c.lineItemId());
        reads.put("its creatives", o + "/line-items/" + c.lineItemId() + "/creatives");
        reads.put("creative", o + "/creatives/" + c.creativeId());
        reads.put("metrics", o + "/campaigns/" + c.campaignId() + "/metrics?from=2026-08-01&to=2026-08-31&level=creative");
        reads.put("its series", o + "/campaigns/" + c.campaignId() + "/metrics/series?grain=week&from=2026-08-01&to=2026-08-31");
        reads.put("its pacing", o + "/campaigns/" + c.campaignId() + "/pacing");
        reads.put("its pacing history", o + "/campaigns/" + c.campaignId() + "/pacing/history?from=2026-08-01&to=2026-08-31");
        if (clientId != null) {
            reads.put("client", o + "/clients/" + clientId);
            reads.put("its CPM rates", o + "/clients/" + clientId + "/cpm-rates");
            reads.put("its advertisers", o + "/clients/" + clientId + "/advertisers");
        }
        return reads;
    }

    private static Map<String, Integer> statuses(User user, Map<String, String> reads) {
        Map<String, Integer> result = new LinkedHashMap<>();
        reads.forEach((name, path) -> result.put(name, status(user, path)));
        return result;
    }

    private static Map<String, Integer> all(Map<String, String> reads, int status) {
        Map<String, Integer> result = new LinkedHashMap<>();
        reads.keySet().forEach(name -> result.put(name, status));
        return result;
    }

    @Test
    void aClientMemberReadsTheirClientsDataAndNothingElseThroughEveryEndpoint() {
        User member = clientMember();
        assertThat(statuses(member, readsOf(mine, myClient))).isEqualTo(all(readsOf(mine, myClient), 200));
        assertThat(statuses(member, readsOf(theirs, theirClient))).isEqualTo(all(readsOf(theirs, theirClient), 404));
        assertThat(statuses(member, readsOf(nobodys, null))).isEqualTo(all(readsOf(nobodys, null), 404));

        String o = "/api/v1/organizations/" + org;
        assertThat(ids(member, o + "/campaigns", "items.id")).containsExactly(mine.campaignId().toString());
        assertThat(ids(member, o + "/campaigns?period=2026-08-01&sort=spend&order=desc", "items.id"))
                .containsExactly(mine.campaignId().toString());
        assertThat(ids(member, o + "/clients", "items.id")).containsExactly(myClient.toString());
        assertThat(ids(member, o + "/campaigns/" + mine.campaignId() + "/metrics?from=2026-08-01&to=2026-08-31&level=creative",
                "days.entityId")).containsExactly(mine.creativeId().toString());
        // beyond campaigns, metrics and clients the role allows nothing
        assertThat(status(member, o + "/dsp-accounts")).isEqualTo(403);
        assertThat(status(member, o + "/dsp-accounts/" + mine.accountId())).isEqualTo(403);
        assertThat(given().auth().oauth2(TestTokens.token(member)).contentType("application/json")
                .body(Map.of("name", "Mine too", "currency", "EUR")).when().post(o + "/clients").then().extract().statusCode())
                .isEqualTo(403);

        // a viewer of the same organization sees every client's data: the limit is the client role's
        User viewer = User.member(org, "viewer");
        assertThat(statuses(viewer, readsOf(theirs, theirClient))).isEqualTo(all(readsOf(theirs, theirClient), 200));
        assertThat(ids(viewer, o + "/campaigns", "items.id")).hasSize(3);
        assertThat(ids(viewer, o + "/campaigns?period=2026-08-01&sort=spend", "items.id")).hasSize(3);
    }

    @Test
    void aClientMemberWithoutALiveGrantSeesNoClientAtAll() {
        String o = "/api/v1/organizations/" + org;
        User none = User.member(org, "client");
        User expired = User.member(org, "client");
        TestDatabase.execute("INSERT INTO campaign.entity_grant_refs (grant_id, org_id, user_id, entity_type, entity_id, actions, "
                + "expires_at, granted_at, version) VALUES (?, ?, ?, 'client', ?, ARRAY['view'], now() - interval '1 minute', "
                + "now() - interval '1 day', 1)", UUID.randomUUID(), org, expired.id(), myClient);
        User revoked = User.member(org, "client");
        TestDatabase.execute("INSERT INTO campaign.entity_grant_refs (grant_id, org_id, user_id, entity_type, entity_id, actions, "
                + "granted_at, revoked_at, version) VALUES (?, ?, ?, 'client', ?, ARRAY['view'], now(), now(), 1)",
                UUID.randomUUID(), org, revoked.id(), myClient);
        // a grant on a campaign is not a grant on its client
        User campaignGrant = User.member(org, "client");
        CampaignFixtures.grant(org, campaignGrant.id(), "campaign", mine.campaignId(), "view");
        for (User user : List.of(none, expired, revoked, campaignGrant)) {
            assertThat(ids(user, o + "/campaigns", "items.id")).isEmpty();
            assertThat(ids(user, o + "/campaigns?grain=week&period=2026-08-01&sort=impressions", "items.id")).isEmpty();
            assertThat(ids(user, o + "/clients", "items.id")).isEmpty();
            assertThat(statuses(user, readsOf(mine, myClient))).isEqualTo(all(readsOf(mine, myClient), 404));
        }
    }

    @Test
    void theDatabaseEnforcesTheLimitOnEveryTableAndMonthPartitionAsTheServiceReadsThem() throws Exception {
        Map<String, Function<UUID, String>> tables = new LinkedHashMap<>();
        tables.put("campaigns", client -> "SELECT count(*) FROM campaign.campaigns WHERE org_id = '" + org + "'");
        tables.put("insertion_orders", client -> "SELECT count(*) FROM campaign.insertion_orders WHERE org_id = '" + org + "'");
        tables.put("line_items", client -> "SELECT count(*) FROM campaign.line_items WHERE org_id = '" + org + "'");
        tables.put("creatives", client -> "SELECT count(*) FROM campaign.creatives WHERE org_id = '" + org + "'");
        tables.put("campaign_metrics", client -> "SELECT count(*) FROM campaign.campaign_metrics WHERE org_id = '" + org + "'");
        tables.put("its August partition", client -> "SELECT count(*) FROM campaign.campaign_metrics_y2026m08 WHERE org_id = '"
                + org + "'");
        tables.put("clients", client -> "SELECT count(*) FROM campaign.clients WHERE org_id = '" + org + "'");
        tables.put("client_advertisers", client -> "SELECT count(*) FROM campaign.client_advertisers WHERE org_id = '" + org + "'");
        tables.put("client_cpm_rates", client -> "SELECT count(*) FROM campaign.client_cpm_rates WHERE org_id = '" + org + "'");
        tables.put("metric_summaries", client -> "SELECT count(*) FROM campaign.metric_summaries WHERE org_id = '" + org + "'");
        tables.put("campaign_period_metrics", client -> "SELECT count(*) FROM campaign.campaign_period_metrics WHERE org_id = '"
                + org + "'");
        // the summaries of the batch's day: one per grain for each client and for the campaigns of none
        await().atMost(java.time.Duration.ofSeconds(30)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM campaign.metric_summaries WHERE org_id = ?", org) == 9);
        Map<String, Long> unlimited = counts(tables, "");
        Map<String, Long> limited = counts(tables, myClient.toString());
        Map<String, Long> none = counts(tables, "none");
        assertThat(unlimited).containsEntry("campaigns", 3L).containsEntry("creatives", 3L).containsEntry("campaign_metrics", 6L)
                .containsEntry("its August partition", 6L).containsEntry("clients", 2L).containsEntry("client_cpm_rates", 2L)
                .containsEntry("metric_summaries", 9L).containsEntry("campaign_period_metrics", 6L);
        assertThat(limited).containsEntry("campaigns", 1L).containsEntry("insertion_orders", 1L).containsEntry("line_items", 1L)
                .containsEntry("creatives", 1L).containsEntry("campaign_metrics", 2L).containsEntry("its August partition", 2L)
                .containsEntry("clients", 1L).containsEntry("client_advertisers", 1L).containsEntry("client_cpm_rates", 1L)
                .containsEntry("metric_summaries", 3L).containsEntry("campaign_period_metrics", 2L);
        assertThat(none.values()).containsOnly(0L);
    }

    private Map<String, Long> counts(Map<String, Function<UUID, String>> tables, String scope) throws Exception {
        Map<String, Long> result = new LinkedHashMap<>();
        try (Connection c = TestDatabase.asService("campaign")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT set_config('clp.scope', 'user', true), set_config('clp.org_ids', '" + org + "', true), "
                        + "set_config('clp.client_scope', '" + scope + "', true)");
                for (var table : tables.entrySet()) {
                    try (ResultSet rs = s.executeQuery(table.getValue().apply(null))) {
                        rs.next();
                        result.put(table.getKey(), rs.getLong(1));
                    }
                }
            }
            c.rollback();
        }
        return result;
    }
}
