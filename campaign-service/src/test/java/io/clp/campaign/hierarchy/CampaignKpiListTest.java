package io.clp.campaign.hierarchy;

import io.clp.campaign.CampaignFixtures;
import io.clp.campaign.HierarchyFixtures;
import io.clp.campaign.SimulatedDsps;
import io.clp.campaign.metrics.MetricsBatches;
import io.clp.events.pipeline.MetricsBatch;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestPostgres;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.clp.campaign.metrics.MetricsBatches.batch;
import static io.clp.campaign.metrics.MetricsBatches.row;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * The campaign list over a week or a month: each campaign's totals and KPIs, filters and sorting by any KPI, and a
 * cursor that pages through metric values (ties and undefined KPIs included); the totals kept exact as metrics are
 * restated and repriced, and by concurrent writers.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class CampaignKpiListTest {

    private UUID org;
    private UUID account;
    private UUID a;
    private UUID b;
    private UUID c;
    private UUID idle;
    private User viewer;

    @BeforeEach
    void campaignsWithAugustMetrics() {
        org = UUID.randomUUID();
        viewer = User.member(org, "viewer");
        account = HierarchyFixtures.account(org, "dv360");
        a = HierarchyFixtures.campaign(org, account, "A");
        b = HierarchyFixtures.campaign(org, account, "B");
        c = HierarchyFixtures.campaign(org, account, "C");
        idle = HierarchyFixtures.campaign(org, account, "Idle");
        record(Instant.now(), List.of(
                // A: the week of Monday 3 August holds two of its August days, the 31st is the next week's
                row("campaign", a, "2026-07-31", 9000, 90, 9, 0, "90", "90"),
                row("campaign", a, "2026-08-03", 1000, 10, 2, 0, "10", "40"),
                row("campaign", a, "2026-08-09", 1000, 10, 0, 0, "10", "0"),
                row("campaign", a, "2026-08-31", 1000, 10, 0, 0, "5", "0"),
                // B: no click, no conversion, no revenue: no CPC, CPA or CVR
                row("campaign", b, "2026-08-04", 500, 0, 0, 0, "30", "0"),
                row("campaign", c, "2026-08-05", 2000, 40, 4, 0, "20", "100")));
    }

    private void record(Instant extractedAt, List<MetricsBatch.Row> rows) {
        MetricsBatch batch = batch(org, rows, extractedAt);
        MetricsBatches.publish(batch);
        MetricsBatches.awaitRecorded(batch.batchId());
    }

    private String campaigns() {
        return "/api/v1/organizations/" + org + "/campaigns";
    }

    private JsonPath list(String query) {
        return given().auth().oauth2(TestTokens.token(viewer)).when().get(campaigns() + "?" + query).then().statusCode(200)
                .extract().jsonPath();
    }

    private List<String> ids(String query) {
        return list(query).getList("items.id", String.class);
    }

    /** Every page of the list, following its cursors, as ids. */
    private List<String> allPages(String query) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            JsonPath page = list(query + (cursor == null ? "" : "&cursor=" + cursor));
            ids.addAll(page.getList("items.id", String.class));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        return ids;
    }

    @Test
    void eachCampaignCarriesItsTotalsAndKpisOverTheMonthOrWeek() {
        JsonPath month = list("period=2026-08-20&sort=spend&order=desc");
        assertThat(month.getList("items.id", String.class)).as(month.prettify())
                .containsExactly(b.toString(), a.toString(), c.toString());
        Map<String, Object> totals = month.getMap("items[1].metrics");
        assertThat(totals).containsEntry("grain", "month").containsEntry("periodStart", "2026-08-01")
                .containsEntry("periodEnd", "2026-08-31").containsEntry("days", 3).containsEntry("currency", "EUR")
                .containsEntry("impressions", 3000).containsEntry("clicks", 30).containsEntry("conversions", 2)
                .containsEntry("spend", "25.000000").containsEntry("revenue", "40.000000")
                // KPIs of the sums, never averages of the days'
                .containsEntry("ctr", "0.010000").containsEntry("cpc", "0.833333").containsEntry("cpm", "8.333333")
                .containsEntry("cpa", "12.500000").containsEntry("cvr", "0.066667").containsEntry("roas", "1.600000")
                .containsEntry("billedSpend", null);
        assertThat(month.getMap("items[0].metrics")).containsEntry("cpc", null).containsEntry("cpa", null)
                .containsEntry("roas", "0.000000");

        // the week of Monday 3 August: A's two days in it, B and C
        JsonPath week = list("grain=week&period=2026-08-09&sort=spend");
        // ties by id in PostgreSQL's order of uuids: their text's (not UUID.compareTo's, which is signed)
        List<String> byIdAmongEqualSpend = a.toString().compareTo(c.toString()) < 0 ? List.of(a.toString(), c.toString()) : List.of(c.toString(), a.toString());
        assertThat(week.getList("items.id", String.class)).containsExactly(byIdAmongEqualSpend.get(0), byIdAmongEqualSpend.get(1),
                b.toString());
        assertThat(week.getList("items.metrics.periodStart", String.class)).containsOnly("2026-08-03");
        assertThat(week.getList("items.metrics.spend", String.class)).containsExactly("20.000000", "20.000000", "30.000000");

        // a campaign without metrics in the period is not listed; without a period every campaign is, with no metrics
        assertThat(ids("period=2026-08-01")).containsExactlyInAnyOrder(a.toString(), b.toString(), c.toString());
        assertThat(ids("period=2026-07-01")).containsExactly(a.toString());
        JsonPath all = list("sort=name");
        assertThat(all.getList("items.id", String.class)).containsExactly(a.toString(), b.toString(), c.toString(), idle.toString());
        assertThat(all.getList("items.metrics", Object.class)).containsOnlyNulls();
    }

    @Test
    void aCursorPagesThroughMetricValuesWithUndefinedKpisLastInEitherDirection() {
        // CPA: C 5, A 12.5, B none
        assertThat(allPages("period=2026-08-01&sort=cpa&limit=1")).containsExactly(c.toString(), a.toString(), b.toString());
        assertThat(allPages("period=2026-08-01&sort=cpa&order=desc&limit=1")).containsExactly(a.toString(), c.toString(), b.toString());
        assertThat(allPages("period=2026-08-01&sort=cpa&order=desc&limit=2")).containsExactly(a.toString(), c.toString(), b.toString());

        // many ties on a KPI: every campaign once, ties by id, in both directions
        List<String> tied = new ArrayList<>();
        List<MetricsBatch.Row> rows = new ArrayList<>();
        for (int k = 0; k < 7; k++) {
            UUID id = HierarchyFixtures.campaign(org, account, "Tied " + k);
            tied.add(id.toString());
            rows.add(row("campaign", id, "2026-09-02", 100, k % 2, 0, 0, "7", "0"));
        }
        record(Instant.now(), rows);
        List<String> ascending = tied.stream().sorted().toList();
        assertThat(allPages("period=2026-09-01&sort=spend&limit=3")).containsExactlyElementsOf(ascending);
        assertThat(allPages("period=2026-09-01&sort=spend&order=desc&limit=2")).containsExactlyElementsOf(ascending.reversed());
        // CPC exists for the campaigns with a click only; the others follow, by id
        List<String> withClicks = new ArrayList<>();
        List<String> without = new ArrayList<>();
        for (int k = 0; k < 7; k++) {
            (k % 2 == 1 ? withClicks : without).add(tied.get(k));
        }
        List<String> expected = new ArrayList<>(withClicks.stream().sorted().toList());
        expected.addAll(without.stream().sorted().toList());
        assertThat(allPages("period=2026-09-01&sort=cpc&limit=2")).containsExactlyElementsOf(expected);

        // a cursor belongs to its sort, order and period
        String cursor = list("period=2026-08-01&sort=cpa&limit=1").getString("nextCursor");
        given().auth().oauth2(TestTokens.token(viewer)).when().get(campaigns() + "?period=2026-07-01&sort=cpa&limit=1&cursor=" + cursor)
                .then().statusCode(400).body("errors.field", hasItem("cursor"));
        given().auth().oauth2(TestTokens.token(viewer)).when().get(campaigns() + "?grain=week&period=2026-08-01&sort=cpa&limit=1&cursor=" + cursor)
                .then().statusCode(400).body("errors.field", hasItem("cursor"));
    }

    @Test
    void kpiConditionsNarrowTheList() {
        assertThat(ids("period=2026-08-01&kpi=roas:gte:1.6&sort=name")).containsExactly(a.toString(), c.toString());
        assertThat(ids("period=2026-08-01&kpi=clicks:gt:0&kpi=cpa:lt:10")).containsExactly(c.toString());
        // an undefined KPI matches no condition
        assertThat(ids("period=2026-08-01&kpi=cpc:gte:0&sort=name")).containsExactly(a.toString(), c.toString());
        assertThat(ids("period=2026-08-01&kpi=spend:eq:30")).containsExactly(b.toString());
        assertThat(ids("period=2026-08-01&kpi=impressions:lte:2000&status=paused")).isEmpty();
    }

    @Test
    void badListRequestsAreNamedInOneProblem() {
        String[][] bad = {
            {"sort=spend", "sort"},
            {"kpi=spend:gt:1", "kpi"},
            {"grain=day&period=2026-08-01", "grain"},
            {"grain=year&period=2026-08-01", "grain"},
            {"grain=week", "period"},
            {"period=August", "period"},
            {"period=2026-08-01&kpi=spend:gt:1e999999", "kpi"},
            {"period=2026-08-01&kpi=clicks:gt:1.5", "kpi"},
            {"period=2026-08-01&kpi=budget:gt:1", "kpi"},
            {"period=2026-08-01&kpi=spend:above:1", "kpi"},
            {"period=2026-08-01&sort=margin", "sort"},
            {"period=-5000-01-01", "period"},
            {"startDateFrom=-0001-01-01", "startDateFrom"}};
        for (String[] request : bad) {
            given().auth().oauth2(TestTokens.token(viewer)).when().get(campaigns() + "?" + request[0])
                    .then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem(request[1]));
        }
        String tooMany = "period=2026-08-01" + "&kpi=spend:gt:0".repeat(11);
        given().auth().oauth2(TestTokens.token(viewer)).when().get(campaigns() + "?" + tooMany).then().statusCode(400)
                .body("errors.field", hasItem("kpi"));
    }

    @Test
    void totalsFollowRestatementsAndRepricing() {
        // a newer read of C's day restates it: the month and the week follow
        record(Instant.now().plusSeconds(60), List.of(row("campaign", c, "2026-08-05", 2000, 40, 4, 0, "50", "100")));
        assertThat(ids("period=2026-08-01&sort=spend&order=desc").getFirst()).isEqualTo(c.toString());
        assertThat(list("grain=week&period=2026-08-03&kpi=spend:eq:50").getString("items[0].metrics.roas")).isEqualTo("2.000000");

        // a client's CPM reprices the campaign's days, and its billed spend over the period with them
        User admin = User.member(org, "admin");
        UUID client = CampaignFixtures.client(org, "Acme");
        CampaignFixtures.linkAccount(org, client, account);
        given().auth().oauth2(TestTokens.token(admin)).contentType("application/json").body(Map.of("cpm", "2"))
                .when().put("/api/v1/organizations/" + org + "/clients/" + client + "/cpm-rates/2026-08-01")
                .then().statusCode(200);
        // A's August: 3,000 impressions at 2 per mille; C's 2,000 and B's 500 bill less
        given().auth().oauth2(TestTokens.token(viewer)).when().get(campaigns() + "?period=2026-08-01&sort=billedSpend&order=desc")
                .then().statusCode(200).body("items.id", equalTo(List.of(a.toString(), c.toString(), b.toString())))
                .body("items.find { it.id == '" + a + "' }.metrics.billedSpend", equalTo("6.0000000"));
    }

    @Test
    void concurrentWritersOfOnePeriodBothCount() throws Exception {
        // a writer that restates a day of a period another writer holds waits for it, then reads both writers' days
        try (Connection first = TestPostgres.get().server().connect(TestPostgres.DATABASE);
             Connection second = TestPostgres.get().server().connect(TestPostgres.DATABASE)) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            insertDay(first, c, "2026-08-06", 1000);
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                try {
                    insertDay(second, c, "2026-08-07", 3000);
                    second.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(500);
            assertThat(waiting).isNotDone();
            first.commit();
            waiting.get(30, TimeUnit.SECONDS);
        }
        assertThat(TestDatabase.count("SELECT impressions FROM campaign.campaign_period_metrics WHERE campaign_id = ? "
                + "AND grain = 'month' AND period_start = DATE '2026-08-01'", c)).isEqualTo(2000 + 1000 + 3000);
        assertThat(TestDatabase.count("SELECT days FROM campaign.campaign_period_metrics WHERE campaign_id = ? "
                + "AND grain = 'week' AND period_start = DATE '2026-08-03'", c)).isEqualTo(3);
    }

    @Test
    void aPeriodLeftWithoutDaysIsRemovedAndTheOthersOfTheSameStatementRecomputed() throws Exception {
        // one statement takes B's only day and one of A's days of the week of 3 August
        try (Connection conn = TestPostgres.get().server().connect(TestPostgres.DATABASE);
             PreparedStatement ps = conn.prepareStatement("DELETE FROM campaign.campaign_metrics WHERE entity_level = 'campaign' "
                     + "AND ((entity_id = ? AND metric_date = DATE '2026-08-04') OR (entity_id = ? AND metric_date = DATE '2026-08-03'))")) {
            ps.setObject(1, b);
            ps.setObject(2, a);
            assertThat(ps.executeUpdate()).isEqualTo(2);
        }
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.campaign_period_metrics WHERE campaign_id = ?", b)).isZero();
        assertThat(TestDatabase.count("SELECT days FROM campaign.campaign_period_metrics WHERE campaign_id = ? "
                + "AND grain = 'week' AND period_start = DATE '2026-08-03'", a)).isEqualTo(1);
        assertThat(TestDatabase.count("SELECT impressions FROM campaign.campaign_period_metrics WHERE campaign_id = ? "
                + "AND grain = 'month' AND period_start = DATE '2026-08-01'", a)).isEqualTo(2000);
        assertThat(ids("period=2026-08-01")).containsExactlyInAnyOrder(a.toString(), c.toString());
    }

    private void insertDay(Connection conn, UUID campaign, String day, long impressions) throws Exception {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO campaign.campaign_metrics (org_id, entity_level, entity_id, "
                + "campaign_id, metric_date, impressions, spend, currency, batch_id, execution_id, source_extracted_at) "
                + "VALUES (?, 'campaign', ?, ?, ?::date, ?, 1, 'EUR', gen_random_uuid(), gen_random_uuid(), now())")) {
            ps.setObject(1, org);
            ps.setObject(2, campaign);
            ps.setObject(3, campaign);
            ps.setString(4, day);
            ps.setLong(5, impressions);
            ps.executeUpdate();
        }
    }
}
