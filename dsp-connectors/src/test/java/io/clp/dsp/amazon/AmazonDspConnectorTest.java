package io.clp.dsp.amazon;

import io.clp.dsp.AccountInfo;
import io.clp.dsp.AccountRef;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspCredentials;
import io.clp.dsp.DspEntity;
import io.clp.dsp.DspException;
import io.clp.dsp.EntityLevel;
import io.clp.dsp.HierarchyPage;
import io.clp.dsp.ListRequest;
import io.clp.dsp.RateLimit;
import io.clp.dsp.ReportRow;
import io.clp.dsp.SimulatorFixture;
import io.clp.dspsim.Catalog;
import io.clp.dspsim.Fault;
import io.clp.dspsim.RequestLog;
import io.clp.dspsim.SimAccount;
import io.clp.dspsim.SimEntity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.clp.dsp.SimulatorFixture.assertRowsEqualDelivery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AmazonDspConnectorTest {

    static final String ADVERTISER = "3000001";
    /** The simulator's agency profile of advertiser 3000001 (4_400_000_000_000 + advertiser id). */
    static final String PROFILE = "4400003000001";
    static final RateLimit FAST = new RateLimit(1_000, Duration.ofSeconds(5), 3, Duration.ofMillis(20), Duration.ofMillis(200));

    @RegisterExtension
    final SimulatorFixture simulator = new SimulatorFixture();

    SimAccount sim;
    AmazonDspConnector connector;
    AccountRef account;

    @BeforeEach
    void connector() {
        sim = simulator.account("amazon", ADVERTISER);
        connector = simulator.connector(AmazonDspConnector::new, Duration.ofSeconds(2));
        account = account(Catalog.REFRESH_TOKEN);
    }

    AccountRef account(String refreshToken) {
        return new AccountRef(Dsp.AMAZON, ADVERTISER, new DspCredentials(Map.of("client_id", Catalog.CLIENT_ID,
                "client_secret", Catalog.CLIENT_SECRET, "refresh_token", refreshToken, "profile_id", PROFILE)), FAST);
    }

    @Test
    void connectReadsTheProfilesTimeZoneAndCurrencyAndTheAdvertisersName() {
        AccountInfo info = connector.connect(account);
        assertThat(info.displayName()).isEqualTo(sim.name());
        assertThat(info.timeZone()).isEqualTo(ZoneId.of("America/New_York"));
        assertThat(info.currency().getCurrencyCode()).isEqualTo("USD");
        assertThat(info.parentAccountId()).isEqualTo(PROFILE);
    }

    @Test
    void aProfileOfAnotherAdvertiserIsRefused() {
        AccountRef other = new AccountRef(Dsp.AMAZON, "3000002", account.credentials(), FAST);
        assertThatThrownBy(() -> connector.connect(other)).isInstanceOf(DspException.Rejected.class);
    }

    @Test
    void fullListingOfAllFourLevelsEqualsTheSimulatedHierarchy() {
        for (EntityLevel level : EntityLevel.values()) {
            assertThat(listAll(level, null).stream().map(AmazonDspConnectorTest::describe).toList())
                    .as(level.name())
                    .containsExactlyElementsOf(expected(level));
        }
    }

    @Test
    void pagesFollowAmazonsNextToken() {
        HierarchyPage first = connector.list(account, ListRequest.first(EntityLevel.CREATIVE, null));
        assertThat(first.entities()).hasSize(100);
        assertThat(first.nextPageToken()).isNotBlank();
        HierarchyPage second = connector.list(account, ListRequest.first(EntityLevel.CREATIVE, null).next(first.nextPageToken()));
        assertThat(second.entities().getFirst().externalId()).isEqualTo(sim.entities(SimEntity.CREATIVE).get(100).id());
    }

    @Test
    void incrementalListingReturnsOnlyWhatChangedSinceTheGivenTime() {
        Instant since = Instant.now();
        List<String> renamed = sim.rename(SimEntity.CAMPAIGN, 3, Instant.now()).stream().distinct().toList();
        List<String> renamedCreatives = sim.rename(SimEntity.CREATIVE, 4, Instant.now()).stream().distinct().toList();

        assertThat(listAll(EntityLevel.CAMPAIGN, since)).extracting(DspEntity::externalId).containsExactlyInAnyOrderElementsOf(renamed);
        assertThat(listAll(EntityLevel.CREATIVE, since)).extracting(DspEntity::externalId)
                .containsExactlyInAnyOrderElementsOf(renamedCreatives);
    }

    @Test
    void aCampaignDeletedAtTheDspIsNoLongerListed() {
        List<String> removed = sim.remove(SimEntity.CAMPAIGN, 1, Instant.now());
        assertThat(removed).hasSize(1);
        assertThat(listAll(EntityLevel.CAMPAIGN, null)).hasSize(39).extracting(DspEntity::externalId).doesNotContain(removed.getFirst());
        assertThat(listAll(EntityLevel.INSERTION_ORDER, null)).extracting(DspEntity::parentExternalId).doesNotContain(removed.getFirst());
    }

    @Test
    void aThrottleIsRetriedNoEarlierThanRetryAfter() {
        connector.connect(account);
        arm(Fault.Type.THROTTLE, 1, 1);
        assertThat(connector.list(account, ListRequest.first(EntityLevel.CAMPAIGN, null)).entities()).hasSize(40);

        RequestLog.Entry retry = SimulatorFixture.retryOf(log(), 429, Duration.ofSeconds(1));
        assertThat(retry.path()).isEqualTo("/dsp/v1/campaigns/list");
        assertThat(retry.status()).isEqualTo(200);
    }

    @Test
    void serverErrorsAreRetriedUntilSuccess() {
        connector.connect(account);
        arm(Fault.Type.SERVER_ERROR, 2, 0);
        assertThat(connector.list(account, ListRequest.first(EntityLevel.LINE_ITEM, null)).entities()).hasSize(100);
        assertThat(simulator.statuses("amazon", ADVERTISER)).containsSubsequence(500, 500, 200);
    }

    @Test
    void aCallThatTimesOutIsSentAgain() {
        connector.connect(account);
        simulator.hangOnce("amazon", ADVERTISER, 2_500);
        long started = System.nanoTime();
        assertThat(connector.list(account, ListRequest.first(EntityLevel.CAMPAIGN, null)).entities()).hasSize(40);
        // the first attempt hung past the 2 s request timeout; the answer came from the second
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aTruncatedPageIsReadAgainAndComesBackWhole() {
        connector.connect(account);
        arm(Fault.Type.TRUNCATED_PAGE, 1, 0);
        assertThat(connector.list(account, ListRequest.first(EntityLevel.CAMPAIGN, null)).entities()).hasSize(40);
        assertThat(log()).filteredOn(e -> e.path().equals("/dsp/v1/campaigns/list")).hasSize(2);
    }

    @Test
    void anExpiredTokenIsRefreshedOnceAndTheCallSucceeds() {
        connector.connect(account);
        arm(Fault.Type.EXPIRED_TOKEN, 1, 0);
        assertThat(connector.list(account, ListRequest.first(EntityLevel.CAMPAIGN, null)).entities()).hasSize(40);
        assertThat(simulator.log("amazon-auth", null)).hasSize(2);
        assertThat(simulator.statuses("amazon", ADVERTISER)).containsSubsequence(401, 200);
    }

    @Test
    void aRevokedRefreshTokenIsInvalidCredentials() {
        assertThatThrownBy(() -> connector.connect(account("Atzr|revoked")))
                .isInstanceOf(DspException.InvalidCredentials.class)
                .hasMessageNotContaining("Atzr|revoked");
    }

    @Test
    void aFailingReportJobIsReportFailed() {
        arm(Fault.Type.FAILED_REPORT, 1, 0);
        assertThatThrownBy(() -> connector.dailyReport(account, LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 2), r -> { }))
                .isInstanceOf(DspException.ReportFailed.class)
                .hasMessageContaining("FAILED");
    }

    @Test
    void theDailyReportHasOneRowPerAdGroupAndDayEqualToTheSimulatedDelivery() {
        LocalDate from = LocalDate.of(2026, 3, 1);
        LocalDate to = LocalDate.of(2026, 3, 3);
        List<ReportRow> rows = new ArrayList<>();
        connector.dailyReport(account, from, to, rows::add);
        assertRowsEqualDelivery(rows, sim, 3);
    }

    @Test
    void aRangeLongerThanThirtyOneDaysIsRequestedInWindows() {
        List<ReportRow> rows = new ArrayList<>();
        connector.dailyReport(account, LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 9), rows::add);
        assertRowsEqualDelivery(rows, sim, 40);
        assertThat(log()).filteredOn(e -> e.method().equals("POST") && e.path().equals("/reporting/reports"))
                .extracting(RequestLog.Entry::status).containsExactly(200, 200);
    }

    @Test
    void theSimulatorRefusesMoreThanThirtyOneDays() throws Exception {
        HttpResponse<String> response = createReportDirectly(AmazonDspConnector.reportRequest(ADVERTISER,
                LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1)));
        assertThat(response.statusCode()).isEqualTo(400);
    }

    @Test
    void anIdenticalPendingRequestIsJoinedAfterAmazonAnswers425() throws Exception {
        LocalDate from = LocalDate.of(2026, 3, 1);
        LocalDate to = LocalDate.of(2026, 3, 2);
        HttpResponse<String> pending = createReportDirectly(AmazonDspConnector.reportRequest(ADVERTISER, from, to));
        assertThat(pending.statusCode()).isEqualTo(200);
        String pendingId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(pending.body()).path("reportId").asText();

        List<ReportRow> rows = new ArrayList<>();
        connector.dailyReport(account, from, to, rows::add);

        assertRowsEqualDelivery(rows, sim, 2);
        assertThat(log()).filteredOn(e -> e.path().equals("/reporting/reports")).extracting(RequestLog.Entry::status)
                .containsExactly(200, 425);
        assertThat(log()).anySatisfy(e -> assertThat(e.path()).isEqualTo("/reporting/reports/" + pendingId));
    }

    // --- helpers -------------------------------------------------------------------------------------------------------

    HttpResponse<String> createReportDirectly(String body) throws Exception {
        String token = simulator.simulation().tokens().issue("amazon", Catalog.CLIENT_ID, "Atza|", Duration.ofHours(1));
        HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.baseUrl("/amazon/reporting/reports")))
                .header("Authorization", "Bearer " + token)
                .header("Amazon-Advertising-API-ClientId", Catalog.CLIENT_ID)
                .header("Amazon-Advertising-API-Scope", PROFILE)
                .header("Content-Type", AmazonDspConnector.REPORT_CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    List<DspEntity> listAll(EntityLevel level, Instant since) {
        return SimulatorFixture.listAll(connector, account, level, since);
    }

    /** The simulated hierarchy as Amazon DSP renders it (docs/dsp-connectors.md, "Amazon DSP"). */
    List<String> expected(EntityLevel level) {
        int l = level.ordinal();
        return sim.entities(l).stream().filter(e -> !e.removed()).map(e -> {
            SimEntity campaign = sim.byId(SimEntity.CAMPAIGN, e.campaignId());
            String status = l == SimEntity.INSERTION_ORDER ? campaign.status() : e.status();
            String budget = e.budget() == null ? null : e.budget().stripTrailingZeros().toPlainString() + " USD";
            String budgetType = l == SimEntity.INSERTION_ORDER ? "lifetime" : e.budgetType();
            return String.join("|", level.name(), e.id(), String.valueOf(e.parentId()), e.name(), status, String.valueOf(budget),
                    String.valueOf(budgetType), String.valueOf(e.startDate()), String.valueOf(e.endDate()));
        }).toList();
    }

    static String describe(DspEntity e) {
        return String.join("|", e.level().name(), e.externalId(), String.valueOf(e.parentExternalId()), e.name(), e.status().name(),
                String.valueOf(e.budget()), String.valueOf(e.budgetType()), String.valueOf(e.startDate()), String.valueOf(e.endDate()));
    }

    void arm(Fault.Type type, int count, int retryAfterSeconds) {
        simulator.arm("amazon", ADVERTISER, type, count, retryAfterSeconds);
    }

    List<RequestLog.Entry> log() {
        return simulator.log("amazon", ADVERTISER);
    }
}
