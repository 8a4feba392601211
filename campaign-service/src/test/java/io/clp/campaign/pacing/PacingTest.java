package io.clp.campaign.pacing;

import io.clp.campaign.CampaignFixtures;
import io.clp.campaign.HierarchyFixtures;
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
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.clp.campaign.metrics.MetricsBatches.batch;
import static io.clp.campaign.metrics.MetricsBatches.row;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

/** Pacing: the arithmetic, case by case, and snapshots taken as metrics land and on schedule, read through the API. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class PacingTest {

    @Inject
    PacingScheduler scheduler;

    /** booked, delivered, flight start, flight end, today → flight days, elapsed, remaining, pacing rate, projected. */
    record Case(String name, String booked, String delivered, String start, String end, String today, String expected) {
    }

    @Test
    void theArithmeticCountsWholeDaysBeforeTodayAndIsExact() {
        List<Case> cases = List.of(
                new Case("on pace", "3100", "1000", "2026-01-01", "2026-01-31", "2026-01-11", "31|10|21|1.0000|3100.000000"),
                new Case("a flight across a month's end", "1200", "350", "2026-01-25", "2026-02-05", "2026-02-01", "12|7|5|0.5000|600.000000"),
                new Case("a flight across the spring DST change (days, not hours)", "1000", "600", "2026-03-25", "2026-04-03",
                        "2026-03-30", "10|5|5|1.2000|1200.000000"),
                new Case("a flight across the autumn DST change", "2000", "500", "2026-10-20", "2026-11-08", "2026-10-30",
                        "20|10|10|0.5000|1000.000000"),
                new Case("a zero budget has no rate", "0", "10", "2026-01-01", "2026-01-10", "2026-01-05", "10|4|6||25.000000"),
                new Case("not started: nothing elapsed", "100", "0", "2026-02-01", "2026-02-10", "2026-02-01", "10|0|10||"),
                new Case("before the flight", "100", "0", "2026-02-01", "2026-02-10", "2026-01-15", "10|0|10||"),
                new Case("ended: the whole flight elapsed", "100", "90", "2026-01-01", "2026-01-10", "2026-01-20", "10|10|0|0.9000|90.000000"),
                new Case("a third, rounded half-up", "7", "1", "2026-01-01", "2026-01-07", "2026-01-04", "7|3|4|0.3333|2.333333"),
                new Case("two thirds, rounded half-up", "3", "2", "2026-01-01", "2026-01-03", "2026-01-04", "3|3|0|0.6667|2.000000"),
                new Case("overdelivery", "100", "80", "2026-01-01", "2026-01-10", "2026-01-05", "10|4|6|2.0000|200.000000"));
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            String got = TestDatabase.text("SELECT concat_ws('|', flight_days, days_elapsed, days_remaining, coalesce(pacing_rate::text, ''), "
                    + "coalesce(projected::text, '')) FROM campaign.clp_pacing(CAST(? AS numeric), CAST(? AS numeric), CAST(? AS date), "
                    + "CAST(? AS date), CAST(? AS date))", c.booked(), c.delivered(), c.start(), c.end(), c.today());
            if (!c.expected().equals(got)) {
                wrong.add(c.name() + ": " + got + ", expected " + c.expected());
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void snapshotsAreTakenAsMetricsLandAndOnScheduleInTheAccountsTimeZoneWithTheClientsMargin() {
        UUID org = UUID.randomUUID();
        User admin = User.member(org, "admin");
        UUID account = HierarchyFixtures.account(org, "dv360");
        String zone = "Pacific/Kiritimati";
        TestDatabase.execute("UPDATE campaign.dsp_accounts SET account_timezone = ? WHERE id = ?", zone, account);
        LocalDate today = LocalDate.now(ZoneId.of(zone));
        LocalDate start = today.minusDays(10);
        LocalDate end = today.plusDays(9);
        UUID campaign = HierarchyFixtures.campaign(org, account, "Paced", "active", "adv-1", "2000", start.toString(), end.toString(), false);
        UUID order = HierarchyFixtures.insertionOrder(campaign, "Daily IO", false);
        TestDatabase.execute("UPDATE campaign.insertion_orders SET budget = 50, budget_type = 'daily', currency = 'EUR', "
                + "start_date = ?, end_date = ? WHERE id = ?", start, end, order);
        UUID client = CampaignFixtures.client(org, "Paced client");
        CampaignFixtures.linkAccount(org, client, account);
        TestDatabase.execute("INSERT INTO campaign.client_cpm_rates (client_id, effective_date, org_id, cpm) VALUES (?, ?, ?, 12)",
                client, start, org);
        List<MetricsBatch.Row> rows = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            rows.add(row("campaign", campaign, start.plusDays(d).toString(), 10_000, 10, 1, 0, "100", "0"));
            rows.add(row("insertion_order", order, start.plusDays(d).toString(), 10_000, 10, 1, 0, "100", "0"));
        }
        // today's numbers are not complete: not counted as delivered
        rows.add(row("campaign", campaign, today.toString(), 10_000, 10, 1, 0, "100", "0"));
        MetricsBatch b = batch(org, rows, Instant.now());
        MetricsBatches.publish(b);
        MetricsBatches.awaitRecorded(b.batchId());
        await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM campaign.pacing_snapshots WHERE org_id = ? AND trigger = 'metrics'", org) == 2);

        JsonPath current = given().auth().oauth2(TestTokens.token(admin)).when()
                .get("/api/v1/organizations/" + org + "/campaigns/" + campaign + "/pacing").then().statusCode(200).extract().jsonPath();
        assertThat(current.getList("entities.level")).containsExactly("campaign", "insertion_order");
        Map<String, Object> c = current.getMap("entities[0]");
        // 20 flight days, 10 of them elapsed: 1,000 of 2,000 delivered is on pace; 10 x 10,000 impressions at CPM 12 billed
        assertThat(c).containsEntry("asOf", today.toString()).containsEntry("unit", "money").containsEntry("flightDays", 20)
                .containsEntry("daysElapsed", 10).containsEntry("daysRemaining", 10).containsEntry("bookedAmount", "2000.000000")
                .containsEntry("deliveredAmount", "1000.000000").containsEntry("pacingRate", "1.0000")
                .containsEntry("projectedAmount", "2000.000000").containsEntry("billedAmount", "1200.0000000")
                .containsEntry("billedCurrency", "EUR").containsEntry("margin", "200.0000000").containsEntry("marginPercent", "16.6667")
                .containsEntry("trigger", "metrics");
        // a daily budget books its amount each day of the flight
        Map<String, Object> io = current.getMap("entities[1]");
        assertThat(io).containsEntry("bookedAmount", "1000.000000").containsEntry("pacingRate", "2.0000");

        // the schedule snapshots every live flight again
        assertThat(scheduler.snapshotAll().await().atMost(Duration.ofSeconds(30))).isGreaterThanOrEqualTo(2);
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.pacing_snapshots WHERE org_id = ? AND trigger = 'schedule'", org))
                .isEqualTo(2);
        // and another instance's tick right after does not snapshot them twice
        scheduler.snapshotAll().await().atMost(Duration.ofSeconds(30));
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.pacing_snapshots WHERE org_id = ? AND trigger = 'schedule'", org))
                .isEqualTo(2);

        String day = LocalDate.now(ZoneOffset.UTC).toString();
        JsonPath history = given().auth().oauth2(TestTokens.token(admin)).queryParams(Map.of("level", "insertion_order",
                        "entityId", order.toString(), "from", LocalDate.now(ZoneOffset.UTC).minusDays(1).toString(), "to", day))
                .when().get("/api/v1/organizations/" + org + "/campaigns/" + campaign + "/pacing/history").then().statusCode(200)
                .extract().jsonPath();
        assertThat(history.getList("snapshots.trigger")).containsExactly("metrics", "schedule");
        given().auth().oauth2(TestTokens.token(admin)).queryParams(Map.of("level", "creative", "from", day, "to", day))
                .when().get("/api/v1/organizations/" + org + "/campaigns/" + campaign + "/pacing/history").then().statusCode(400)
                .body("errors.field", hasItem("level"));
        given().auth().oauth2(TestTokens.token(User.member(UUID.randomUUID(), "admin"))).when()
                .get("/api/v1/organizations/" + org + "/campaigns/" + campaign + "/pacing").then().statusCode(404);
    }

    @Test
    void aSecondMetricsBatchWithinTheMinimumIntervalAddsNoSnapshotOfTheSameEntities() {
        UUID org = UUID.randomUUID();
        UUID account = HierarchyFixtures.account(org, "dv360");
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String yesterday = today.minusDays(1).toString();
        UUID campaign = HierarchyFixtures.campaign(org, account, "Busy", "active", "adv-1", "1000", today.minusDays(5).toString(),
                today.plusDays(5).toString(), false);
        UUID order = HierarchyFixtures.insertionOrder(campaign, "Busy IO", false);
        String snapshotsForMetrics = "SELECT count(*) FROM campaign.pacing_snapshots WHERE org_id = ? AND entity_id IN (?, ?) "
                + "AND trigger = 'metrics'";
        MetricsBatch first = batch(org, List.of(row("campaign", campaign, yesterday, 10_000, 10, 1, 0, "100", "0"),
                row("insertion_order", order, yesterday, 10_000, 10, 1, 0, "100", "0")));
        MetricsBatches.publish(first);
        MetricsBatches.awaitRecorded(first.batchId());
        await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.count(snapshotsForMetrics, org, campaign, order) == 2);

        // restated numbers for the same day, well within clp.pacing.metrics-min-interval (15 minutes by default)
        MetricsBatch second = batch(org, List.of(row("campaign", campaign, yesterday, 20_000, 20, 2, 0, "200", "0"),
                row("insertion_order", order, yesterday, 20_000, 20, 2, 0, "200", "0")));
        MetricsBatches.publish(second);
        MetricsBatches.awaitRecorded(second.batchId());
        // the summaries refresh takes the day's mark, then has the pacing of its flights snapshotted
        await().atMost(Duration.ofSeconds(30)).until(() ->
                TestDatabase.count("SELECT count(*) FROM campaign.metric_summary_dirty WHERE org_id = ?", org) == 0);
        // that snapshot comes right after the refresh commits: a row it added would show within a moment
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> TestDatabase.count(snapshotsForMetrics, org, campaign, order), is(2L));
    }

    @Test
    void historyOlderThanTheRetentionIsDroppedAMonthAtATime() {
        TestDatabase.count("SELECT campaign.clp_ensure_pacing_partition(TIMESTAMPTZ '2020-01-15 00:00:00+00')");
        assertThat(TestDatabase.count("SELECT count(*) FROM pg_class WHERE relname = 'pacing_snapshots_y2020m01'")).isEqualTo(1);
        assertThat(TestDatabase.count("SELECT campaign.clp_drop_pacing_partitions(13)")).isGreaterThanOrEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM pg_class WHERE relname = 'pacing_snapshots_y2020m01'")).isZero();
        String current = String.format("pacing_snapshots_y%1$tYm%1$tm", LocalDate.now(ZoneOffset.UTC));
        TestDatabase.count("SELECT campaign.clp_ensure_pacing_partition(now())");
        assertThat(TestDatabase.count("SELECT count(*) FROM pg_class WHERE relname = ?", current)).isEqualTo(1);
    }
}
