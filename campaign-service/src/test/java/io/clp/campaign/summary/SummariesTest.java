package io.clp.campaign.summary;

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
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.clp.campaign.metrics.MetricsBatches.batch;
import static io.clp.campaign.metrics.MetricsBatches.row;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Summaries per day, week and month, kept up to date as metrics land and as billing changes, and read with their
 * KPIs, groups, comparisons, rankings and CSV export.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class SummariesTest {

    private UUID org;
    private Chain dv360;
    private UUID ttdCampaign;
    private UUID client;
    private User admin;

    @BeforeEach
    void organizationWithMetrics() {
        org = UUID.randomUUID();
        admin = User.member(org, "admin");
        dv360 = HierarchyFixtures.chain(org);
        UUID ttd = HierarchyFixtures.account(org, "ttd");
        ttdCampaign = HierarchyFixtures.campaign(org, ttd, "TTD campaign");
        client = CampaignFixtures.client(org, "Acme");
        CampaignFixtures.linkAccount(org, client, dv360.accountId());
        TestDatabase.execute("INSERT INTO campaign.client_cpm_rates (client_id, effective_date, org_id, cpm) VALUES (?, DATE '2026-01-01', ?, 2)",
                client, org);
        record(Instant.now(), List.of(
                row("campaign", dv360.campaignId(), "2026-07-31", 1000, 10, 1, 0, "10", "20"),
                row("campaign", dv360.campaignId(), "2026-08-01", 2000, 20, 2, 0, "20", "60"),
                row("campaign", dv360.campaignId(), "2026-08-03", 3000, 30, 0, 0, "30", "0"),
                row("creative", dv360.creativeId(), "2026-07-31", 1000, 10, 1, 0, "10", "20"),
                row("creative", dv360.creativeId(), "2026-08-01", 2000, 20, 2, 0, "20", "60"),
                row("creative", dv360.creativeId(), "2026-08-03", 3000, 30, 0, 0, "30", "0"),
                row("campaign", ttdCampaign, "2026-08-01", 500, 5, 5, 0, "5", "50")));
    }

    private void record(Instant extractedAt, List<MetricsBatch.Row> rows) {
        MetricsBatch b = batch(org, rows, extractedAt);
        MetricsBatches.publish(b);
        MetricsBatches.awaitRecorded(b.batchId());
        awaitRefreshed();
    }

    /** Until the refresher has taken every mark of the organization. */
    private void awaitRefreshed() {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                TestDatabase.count("SELECT count(*) FROM campaign.metric_summary_dirty WHERE org_id = ?", org) == 0);
    }

    private JsonPath get(User user, String path, Map<String, ?> params) {
        return given().auth().oauth2(TestTokens.token(user)).queryParams(params).when()
                .get("/api/v1/organizations/" + org + "/summaries" + path).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void weeksRunMondayToSundayMonthsAreCalendarMonthsAndKpisComeFromTheTotals() {
        JsonPath weeks = get(admin, "", Map.of("grain", "week", "from", "2026-07-29", "to", "2026-08-09"));
        assertThat(weeks.getList("periods.periodStart")).containsExactly("2026-07-27", "2026-08-03");
        assertThat(weeks.getList("periods.periodEnd")).containsExactly("2026-08-02", "2026-08-09");
        Map<String, Object> first = weeks.getMap("periods[0].groups[0].totals");
        assertThat(first).containsEntry("campaigns", 2).containsEntry("impressions", 3500).containsEntry("clicks", 35)
                .containsEntry("conversions", 8).containsEntry("spend", "35.000000").containsEntry("revenue", "130.000000")
                .containsEntry("ctr", "0.010000").containsEntry("cpc", "1.000000").containsEntry("cpm", "10.000000")
                .containsEntry("cpa", "4.375000").containsEntry("cvr", "0.228571").containsEntry("roas", "3.714286");
        assertThat(weeks.getList("periods[0].groups[0].totals.billed")).containsExactly(Map.of("currency", "EUR", "billedSpend", "6.0000000"));
        assertThat(weeks.getString("periods[1].groups[0].totals.cpa")).isNull();

        JsonPath months = get(admin, "", Map.of("grain", "month", "from", "2026-07-15", "to", "2026-08-31"));
        assertThat(months.getList("periods.periodStart")).containsExactly("2026-07-01", "2026-08-01");
        assertThat(months.getList("periods.periodEnd")).containsExactly("2026-07-31", "2026-08-31");
        assertThat(months.getInt("periods[0].groups[0].totals.impressions")).isEqualTo(1000);
        assertThat(months.getInt("periods[1].groups[0].totals.impressions")).isEqualTo(5500);

        // per client (the campaigns no client holds are a group of their own) and per DSP
        JsonPath byClient = get(admin, "", Map.of("grain", "week", "from", "2026-07-27", "to", "2026-07-27", "groupBy", "client"));
        assertThat(byClient.getList("periods[0].groups.clientName")).containsExactlyInAnyOrder("Acme", null);
        JsonPath byDsp = get(admin, "", Map.of("grain", "day", "from", "2026-08-01", "to", "2026-08-01", "groupBy", "dsp",
                "dspType", "ttd"));
        assertThat(byDsp.getList("periods[0].groups.dspType")).containsExactly("ttd");
        assertThat(byDsp.getInt("periods[0].groups[0].totals.conversions")).isEqualTo(5);
        JsonPath oneClient = get(admin, "", Map.of("grain", "week", "from", "2026-07-27", "to", "2026-07-27", "clientId", client.toString()));
        assertThat(oneClient.getInt("periods[0].groups[0].totals.impressions")).isEqualTo(3000);

        // each week with the one before
        JsonPath compared = get(admin, "", Map.of("grain", "week", "from", "2026-08-03", "to", "2026-08-03", "compare", "previous"));
        assertThat(compared.getInt("periods[0].groups[0].previous.impressions")).isEqualTo(3500);
        assertThat(compared.getString("periods[0].groups[0].change.spend")).isEqualTo("-0.142857");
        assertThat(compared.getString("periods[0].groups[0].change.conversions")).isEqualTo("-1.000000");
    }

    @Test
    void rankingsExportAndClientMembersSeeTheirsOnly() {
        JsonPath bySpend = get(admin, "/top", Map.of("grain", "week", "period", "2026-07-30", "by", "spend"));
        assertThat(bySpend.getString("periodStart")).isEqualTo("2026-07-27");
        assertThat(bySpend.getList("items.id")).containsExactly(dv360.campaignId().toString(), ttdCampaign.toString());
        assertThat(bySpend.getList("items.name")).containsExactly("Chain campaign", "TTD campaign");
        JsonPath byRoas = get(admin, "/top", Map.of("grain", "week", "period", "2026-07-30", "by", "roas", "limit", 1));
        assertThat(byRoas.getList("items.id")).containsExactly(ttdCampaign.toString());
        assertThat(byRoas.getString("items[0].roas")).isEqualTo("10.000000");
        JsonPath creatives = get(admin, "/top", Map.of("grain", "month", "period", "2026-08-15", "entity", "creative"));
        assertThat(creatives.getList("items.id")).containsExactly(dv360.creativeId().toString());
        assertThat(creatives.getString("items[0].spend")).isEqualTo("50.000000");

        String csv = given().auth().oauth2(TestTokens.token(admin))
                .queryParams(Map.of("grain", "week", "from", "2026-07-27", "to", "2026-08-09", "groupBy", "client")).when()
                .get("/api/v1/organizations/" + org + "/summaries/export").then().statusCode(200)
                .contentType(containsString("text/csv")).extract().asString();
        List<String> lines = csv.lines().toList();
        assertThat(lines.get(0)).startsWith("period_start,period_end,client_id,client_name,dsp_type,currency,campaigns");
        assertThat(lines).hasSize(4);
        assertThat(lines).anyMatch(l -> l.startsWith("2026-07-27,2026-08-02," + client + ",Acme,,EUR,1,3000,30,3,0,30.000000,80.000000,")
                && l.endsWith(",EUR,6.0000000"));

        // an export of more periods than a page: one header, every period's lines in order
        List<String> days = given().auth().oauth2(TestTokens.token(admin))
                .queryParams(Map.of("grain", "day", "from", "2026-07-01", "to", "2026-08-09")).when()
                .get("/api/v1/organizations/" + org + "/summaries/export").then().statusCode(200).extract().asString().lines().toList();
        assertThat(days).hasSize(4);
        assertThat(days.stream().filter(l -> l.startsWith("period_start"))).hasSize(1);
        assertThat(days.subList(1, 4).stream().map(l -> l.substring(0, 10))).containsExactly("2026-07-31", "2026-08-01", "2026-08-03");
        // a name a spreadsheet would run as a formula is shown as text
        assertThat(Summaries.spreadsheetSafe("=HYPERLINK(\"x\")")).isEqualTo("'=HYPERLINK(\"x\")");
        assertThat(Summaries.spreadsheetSafe("Acme")).isEqualTo("Acme");

        // a client member sees their client's groups and rankings only
        User member = User.member(org, "client");
        CampaignFixtures.grant(org, member.id(), "client", client, "view");
        JsonPath theirs = get(member, "", Map.of("grain", "week", "from", "2026-07-27", "to", "2026-07-27", "groupBy", "client"));
        assertThat(theirs.getList("periods[0].groups.clientName")).containsExactly("Acme");
        assertThat(theirs.getInt("periods[0].groups[0].totals.impressions")).isEqualTo(3000);
        assertThat(get(member, "/top", Map.of("grain", "week", "period", "2026-07-30")).getList("items.id"))
                .containsExactly(dv360.campaignId().toString());
        // and so does every page of their export, not only the first: 2026-08-01 (the second page) holds their client's
        // 2,000 impressions and not the 500 of the campaign no client holds
        List<String> theirDays = given().auth().oauth2(TestTokens.token(member))
                .queryParams(Map.of("grain", "day", "from", "2026-07-01", "to", "2026-08-09")).when()
                .get("/api/v1/organizations/" + org + "/summaries/export").then().statusCode(200).extract().asString().lines().toList();
        assertThat(theirDays.stream().filter(l -> l.startsWith("2026-08-01")).map(l -> l.split(",")[7])).containsExactly("2000");
        assertThat(days.stream().filter(l -> l.startsWith("2026-08-01")).map(l -> l.split(",")[7])).containsExactly("2500");
    }

    @Test
    void aRestatementAndARateChangeReachTheSummariesOfTheirDaysWeeksAndMonths() {
        record(Instant.now().plusSeconds(1), List.of(row("campaign", dv360.campaignId(), "2026-08-03", 4000, 40, 4, 0, "40", "80")));
        assertThat(get(admin, "", Map.of("grain", "week", "from", "2026-08-03", "to", "2026-08-03")).getInt("periods[0].groups[0].totals.impressions"))
                .isEqualTo(4000);
        assertThat(get(admin, "", Map.of("grain", "month", "from", "2026-08-01", "to", "2026-08-01")).getInt("periods[0].groups[0].totals.impressions"))
                .isEqualTo(6500);

        given().auth().oauth2(TestTokens.token(admin)).contentType("application/json").body(Map.of("cpm", "3"))
                .when().put("/api/v1/organizations/" + org + "/clients/" + client + "/cpm-rates/2026-08-01").then().statusCode(200);
        awaitRefreshed();
        JsonPath week = get(admin, "", Map.of("grain", "week", "from", "2026-07-27", "to", "2026-07-27"));
        // 1,000 impressions at CPM 2 on 07-31, 2,000 at CPM 3 from 08-01
        assertThat(week.getList("periods[0].groups[0].totals.billed")).containsExactly(Map.of("currency", "EUR", "billedSpend", "8.0000000"));
    }

    @Test
    void anEntitysSeriesPerDayWeekAndMonthWithThePreviousPeriods() {
        String base = "/api/v1/organizations/" + org + "/campaigns/" + dv360.campaignId() + "/metrics/series";
        JsonPath weeks = given().auth().oauth2(TestTokens.token(admin))
                .queryParams(Map.of("grain", "week", "from", "2026-07-27", "to", "2026-08-09", "compare", "previous"))
                .when().get(base).then().statusCode(200).extract().jsonPath();
        assertThat(weeks.getList("periods.periodStart")).containsExactly("2026-07-27", "2026-08-03");
        assertThat(weeks.getList("periods.periodEnd")).containsExactly("2026-08-02", "2026-08-09");
        assertThat(weeks.getInt("periods[0].groups[0].totals.impressions")).isEqualTo(3000);
        assertThat(weeks.getString("periods[0].groups[0].totals.roas")).isEqualTo("2.666667");
        assertThat(weeks.getList("periods[0].groups[0].totals.billed")).containsExactly(Map.of("currency", "EUR", "billedSpend", "6.0000000"));
        assertThat(weeks.getInt("periods[1].groups[0].previous.impressions")).isEqualTo(3000);
        assertThat(weeks.getString("periods[1].groups[0].change.spend")).isEqualTo("0.000000");
        // by day: each day with metrics its own point, in date order, its KPIs and billed spend its own, beside the day before
        JsonPath days = given().auth().oauth2(TestTokens.token(admin))
                .queryParams(Map.of("grain", "day", "from", "2026-07-31", "to", "2026-08-03", "compare", "previous"))
                .when().get(base).then().statusCode(200).extract().jsonPath();
        assertThat(days.getString("grain")).isEqualTo("day");
        assertThat(days.getList("periods.periodStart")).containsExactly("2026-07-31", "2026-08-01", "2026-08-03");
        assertThat(days.getList("periods.periodEnd")).containsExactly("2026-07-31", "2026-08-01", "2026-08-03");
        assertThat(days.getList("periods.collect { it.groups[0].totals.impressions }")).containsExactly(1000, 2000, 3000);
        assertThat(days.getList("periods.collect { it.groups[0].totals.spend }")).containsExactly("10.000000", "20.000000", "30.000000");
        assertThat(days.getList("periods.collect { it.groups[0].totals.roas }")).containsExactly("2.000000", "3.000000", "0.000000");
        assertThat(days.getList("periods.collect { it.groups[0].currency }")).containsExactly("EUR", "EUR", "EUR");
        assertThat(days.getList("periods[1].groups[0].totals.billed")).containsExactly(Map.of("currency", "EUR", "billedSpend", "4.0000000"));
        assertThat(days.getInt("periods[1].groups[0].previous.impressions")).isEqualTo(1000);
        assertThat(days.getString("periods[1].groups[0].change.spend")).isEqualTo("1.000000");
        JsonPath midWeek = given().auth().oauth2(TestTokens.token(admin))
                .queryParams(Map.of("grain", "week", "from", "2026-07-27", "to", "2026-07-29")).when().get(base).then().statusCode(200)
                .extract().jsonPath();
        assertThat(midWeek.getList("periods.periodStart")).containsExactly("2026-07-27");
        JsonPath months = given().auth().oauth2(TestTokens.token(admin))
                .queryParams(Map.of("grain", "month", "from", "2026-07-01", "to", "2026-08-31", "level", "creative",
                        "entityId", dv360.creativeId().toString()))
                .when().get(base).then().statusCode(200).extract().jsonPath();
        assertThat(months.getList("periods.periodEnd")).containsExactly("2026-07-31", "2026-08-31");
        assertThat(months.getInt("periods[0].groups[0].totals.impressions")).isEqualTo(1000);
        assertThat(months.getInt("periods[1].groups[0].totals.impressions")).isEqualTo(5000);
        // a campaign of the organization without metrics in the range: an empty series; one it does not hold: not found
        given().auth().oauth2(TestTokens.token(admin)).queryParams(Map.of("from", "2026-01-05", "to", "2026-01-18", "grain", "week",
                "compare", "previous")).when().get(base).then().statusCode(200).body("periods", empty());
        given().auth().oauth2(TestTokens.token(admin)).queryParams(Map.of("from", "2026-08-02", "to", "2026-08-02", "grain", "day",
                "compare", "previous")).when().get(base).then().statusCode(200).body("periods", empty());
        given().auth().oauth2(TestTokens.token(admin)).queryParams(Map.of("from", "2026-08-01", "to", "2026-08-02"))
                .when().get("/api/v1/organizations/" + org + "/campaigns/" + UUID.randomUUID() + "/metrics/series")
                .then().statusCode(404).body("type", equalTo("urn:clp:problem:not-found"));
        // another campaign's entity, or a campaign of another organization: not found; a bad level: named
        given().auth().oauth2(TestTokens.token(admin)).queryParams(Map.of("from", "2026-08-01", "to", "2026-08-02", "level", "ad"))
                .when().get(base).then().statusCode(400).body("errors.field", hasItem("level"));
        given().auth().oauth2(TestTokens.token(User.member(UUID.randomUUID(), "admin")))
                .queryParams(Map.of("from", "2026-08-01", "to", "2026-08-02")).when().get(base).then().statusCode(404);
        assertThat(given().auth().oauth2(TestTokens.token(admin)).queryParams(Map.of("from", "2026-07-01", "to", "2026-08-31",
                        "level", "campaign", "entityId", ttdCampaign.toString())).when().get(base).then().statusCode(400)
                .extract().jsonPath().getList("errors.field")).contains("entityId");
    }

    @Test
    void badParametersAreProblemDetailsNamingTheParameter() {
        Map<Map<String, String>, String> bad = Map.of(
                Map.of("grain", "year", "from", "2026-01-01", "to", "2026-01-02"), "grain",
                Map.of("to", "2026-01-02"), "from",
                Map.of("from", "2026-01-05", "to", "2026-01-02"), "from",
                Map.of("from", "2024-01-01", "to", "2026-01-02"), "to",
                Map.of("from", "2026-01-01", "to", "2026-01-02", "groupBy", "campaign"), "groupBy",
                Map.of("from", "2026-01-01", "to", "2026-01-02", "dspType", "tiktok"), "dspType",
                Map.of("from", "2026-01-01", "to", "2026-01-02", "clientId", "acme"), "clientId",
                Map.of("from", "2026-01-01", "to", "2026-01-02", "compare", "last-year"), "compare");
        bad.forEach((params, field) -> given().auth().oauth2(TestTokens.token(admin)).queryParams(params).when()
                .get("/api/v1/organizations/" + org + "/summaries").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem(field)));
        given().auth().oauth2(TestTokens.token(admin)).queryParams(Map.of("period", "2026-01-01", "by", "clicks")).when()
                .get("/api/v1/organizations/" + org + "/summaries/top").then().statusCode(400).body("errors.field", hasItem("by"));
        given().auth().oauth2(TestTokens.token(admin)).queryParams(Map.of("period", "soon")).when()
                .get("/api/v1/organizations/" + org + "/summaries/top").then().statusCode(400).body("errors.field", hasItem("period"));
        given().auth().oauth2(TestTokens.token(User.member(UUID.randomUUID(), "admin")))
                .queryParams(Map.of("from", "2026-01-01", "to", "2026-01-02")).when()
                .get("/api/v1/organizations/" + org + "/summaries").then().statusCode(404);
        given().auth().oauth2(TestTokens.token(User.member(org, "guest")))
                .queryParams(Map.of("from", "2026-01-01", "to", "2026-01-02")).when()
                .get("/api/v1/organizations/" + org + "/summaries/export").then().statusCode(403)
                .body("type", equalTo("urn:clp:problem:forbidden"));
    }
}
