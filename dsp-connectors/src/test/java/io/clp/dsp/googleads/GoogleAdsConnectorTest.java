package io.clp.dsp.googleads;

import io.clp.dsp.AccountInfo;
import io.clp.dsp.AccountRef;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspCredentials;
import io.clp.dsp.DspEntity;
import io.clp.dsp.DspException;
import io.clp.dsp.EntityLevel;
import io.clp.dsp.EntityStatus;
import io.clp.dsp.HierarchyPage;
import io.clp.dsp.ListRequest;
import io.clp.dsp.Money;
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

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GoogleAdsConnectorTest {

    private static final String SMALL = "4000000001";
    private static final RateLimit FAST = new RateLimit(200, Duration.ofSeconds(10), 3, Duration.ofMillis(20), Duration.ofSeconds(3));
    private static final String PAGE_SIZE = "clp.dspsim.google-ads.page-size";

    // Google fixes pages at 10,000 rows; smaller pages here so the small account spans several
    @RegisterExtension
    static final SimulatorFixture simulator = new SimulatorFixture().withProperty(PAGE_SIZE, "100");

    private GoogleAdsConnector connector;

    @BeforeEach
    void connector() {
        connector = simulator.connector(GoogleAdsConnector::new, Duration.ofSeconds(5));
    }

    private static AccountRef account(Map<String, String> overrides) {
        Map<String, String> credentials = new HashMap<>(Map.of("client_id", Catalog.CLIENT_ID, "client_secret", Catalog.CLIENT_SECRET,
                "refresh_token", Catalog.REFRESH_TOKEN, "developer_token", Catalog.DEVELOPER_TOKEN));
        credentials.putAll(overrides);
        return new AccountRef(Dsp.GOOGLE_ADS, SMALL, new DspCredentials(credentials), FAST);
    }

    private static AccountRef account() {
        return account(Map.of());
    }

    private static SimAccount sim() {
        return simulator.account("google_ads", SMALL);
    }

    private static void arm(Fault.Type type, int count, int retryAfterSeconds) {
        simulator.arm("google_ads", SMALL, type, count, retryAfterSeconds);
    }

    private List<DspEntity> listAll(EntityLevel level, Instant updatedSince) {
        return SimulatorFixture.listAll(connector, account(), level, updatedSince);
    }

    private static EntityStatus expectedStatus(SimEntity e) {
        if (e.level() == SimEntity.CREATIVE) {
            return e.removed() ? EntityStatus.REMOVED : EntityStatus.ACTIVE;
        }
        return switch (e.status()) {
            case "ACTIVE" -> EntityStatus.ACTIVE;
            case "REMOVED" -> EntityStatus.REMOVED;
            default -> EntityStatus.PAUSED; // Google Ads has no draft or archived state
        };
    }

    @Test
    void connectReadsTheCustomersNameTimeZoneAndCurrency() {
        AccountInfo info = connector.connect(account());
        assertThat(info.externalAccountId()).isEqualTo(SMALL);
        assertThat(info.displayName()).isEqualTo("Acme Retail Google Ads");
        assertThat(info.timeZone()).isEqualTo(ZoneId.of("America/Denver"));
        assertThat(info.currency()).isEqualTo(Currency.getInstance("USD"));
    }

    @Test
    void fullListingOfTheSmallAccountEqualsTheSimulatorsHierarchyAcrossPages() {
        SimAccount sim = sim();
        Currency usd = Currency.getInstance("USD");
        for (EntityLevel level : EntityLevel.values()) {
            List<DspEntity> listed = listAll(level, null);
            List<SimEntity> expected = sim.entities(level.ordinal());
            assertThat(listed).as("level %s", level).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                DspEntity actual = listed.get(i);
                SimEntity e = expected.get(i);
                assertThat(actual.externalId()).isEqualTo(e.id());
                assertThat(actual.parentExternalId()).isEqualTo(e.parentId());
                assertThat(actual.name()).isEqualTo(e.name());
                assertThat(actual.status()).as("status of %s", e.id()).isEqualTo(expectedStatus(e));
                if (level == EntityLevel.CAMPAIGN) {
                    assertThat(actual.budget()).isEqualTo(Money.ofDecimal(e.budget().toPlainString(), usd));
                    assertThat(actual.budgetType()).isEqualTo(e.budgetType());
                    assertThat(actual.startDate()).isEqualTo(e.startDate());
                    assertThat(actual.endDate()).isEqualTo(e.endDate());
                } else {
                    assertThat(actual.budget()).isNull();
                }
            }
        }
    }

    @Test
    void anIncrementalListingReadsChangeStatusAndReturnsTheChangedAndRemovedOnes() {
        Instant since = Instant.now().minusSeconds(1);
        List<String> renamed = sim().rename(SimEntity.INSERTION_ORDER, 3, Instant.now());
        List<String> removed = sim().remove(SimEntity.INSERTION_ORDER, 1, Instant.now().plusMillis(3));

        List<DspEntity> listed = listAll(EntityLevel.INSERTION_ORDER, since);

        // change_status is read a few minutes back (its delay): what changed in that margin may come along
        assertThat(listed.size()).isLessThan(sim().entities(SimEntity.INSERTION_ORDER).size() / 2);
        assertThat(listed).extracting(DspEntity::externalId).containsAll(renamed).containsAll(removed);
        assertThat(listed).filteredOn(e -> renamed.contains(e.externalId()) && !removed.contains(e.externalId()))
                .isNotEmpty().allSatisfy(e -> assertThat(e.name()).contains("(rev "));
        assertThat(listed).filteredOn(e -> removed.contains(e.externalId()))
                .hasSize(removed.size()).allSatisfy(e -> assertThat(e.status()).isEqualTo(EntityStatus.REMOVED));
    }

    @Test
    void aResourceExhaustedIsRetriedNoEarlierThanItsRetryDelay() {
        simulator.clearLog();
        arm(Fault.Type.THROTTLE, 1, 2);

        connector.connect(account());

        List<RequestLog.Entry> calls = simulator.log("google-ads", SMALL);
        assertThat(calls).extracting(RequestLog.Entry::status).containsExactly(429, 200);
        assertThat(Duration.between(calls.get(0).at(), calls.get(1).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void serverErrorsAreRetriedAndThenSucceed() {
        simulator.clearLog();
        arm(Fault.Type.SERVER_ERROR, 2, 0);
        assertThat(connector.connect(account()).displayName()).isEqualTo("Acme Retail Google Ads");
        assertThat(simulator.statuses("google-ads", SMALL)).containsExactly(503, 500, 200);
    }

    @Test
    void aCallThatTimesOutIsRetried() {
        simulator.clearLog();
        simulator.hangOnce("google_ads", SMALL, 300);
        assertThat(connector.connect(account()).displayName()).isEqualTo("Acme Retail Google Ads");
        assertThat(simulator.statuses("google-ads", SMALL)).containsExactly(504, 200);
    }

    @Test
    void aTruncatedPageIsReadAgainWithTheSamePageToken() {
        HierarchyPage first = connector.list(account(), ListRequest.first(EntityLevel.LINE_ITEM, null));
        simulator.clearLog();
        arm(Fault.Type.TRUNCATED_PAGE, 1, 0);

        HierarchyPage second = connector.list(account(), ListRequest.first(EntityLevel.LINE_ITEM, null).next(first.nextPageToken()));

        assertThat(second.entities()).hasSize(100).first().extracting(DspEntity::externalId)
                .isEqualTo(sim().entity(SimEntity.LINE_ITEM, 100).id());
        assertThat(simulator.log("google-ads", SMALL)).hasSize(2);
    }

    @Test
    void anExpiredAccessTokenIsRefreshedOnceAndTheCallSucceeds() {
        connector.connect(account());
        simulator.clearLog();
        arm(Fault.Type.EXPIRED_TOKEN, 1, 0);

        assertThat(connector.connect(account()).displayName()).isEqualTo("Acme Retail Google Ads");

        assertThat(simulator.log("google-oauth", null)).hasSize(1);
        assertThat(simulator.statuses("google-ads", SMALL)).containsExactly(401, 200);
    }

    @Test
    void aRevokedRefreshTokenIsInvalidCredentials() {
        assertThatThrownBy(() -> connector.connect(account(Map.of("refresh_token", "revoked"))))
                .isInstanceOf(DspException.InvalidCredentials.class);
    }

    @Test
    void aWrongDeveloperTokenIsInvalidCredentialsWithoutARefreshLoop() {
        simulator.clearLog();
        assertThatThrownBy(() -> connector.connect(account(Map.of("developer_token", "wrong-token"))))
                .isInstanceOf(DspException.InvalidCredentials.class).hasMessageNotContaining("wrong-token");
        assertThat(simulator.log("google-ads", SMALL)).hasSize(1);
    }

    @Test
    void aReportStreamThatFailsIsReportFailed() {
        arm(Fault.Type.FAILED_REPORT, 1, 0);
        assertThatThrownBy(() -> connector.dailyReport(account(), LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 2), r -> { }))
                .isInstanceOf(DspException.ReportFailed.class).hasMessageContaining("INTERNAL");
    }

    @Test
    void theDailyReportHasOneRowPerAdAndDayEqualToTheSimulatedDelivery() {
        SimAccount sim = sim();
        LocalDate from = LocalDate.of(2026, 3, 1);
        LocalDate to = LocalDate.of(2026, 3, 9);
        Map<String, ReportRow> rows = new HashMap<>();
        connector.dailyReport(account(), from, to, r -> rows.put(r.externalId() + "/" + r.date(), r));

        List<SimEntity> ads = sim.entities(SimEntity.LINE_ITEM);
        assertThat(rows).hasSize(ads.size() * 9);
        Currency usd = Currency.getInstance("USD");
        for (SimEntity ad : ads) {
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                ReportRow row = rows.get(ad.id() + "/" + d);
                SimAccount.Delivery expected = sim.delivery(SimEntity.LINE_ITEM, ad.index(), d);
                assertThat(row.level()).isEqualTo(EntityLevel.LINE_ITEM);
                assertThat(row.impressions()).isEqualTo(expected.impressions());
                assertThat(row.clicks()).isEqualTo(expected.clicks());
                assertThat(row.conversions()).isEqualByComparingTo(BigDecimal.valueOf(expected.conversions()));
                assertThat(row.spend()).isEqualTo(Money.ofDecimal(expected.spend().toPlainString(), usd));
                assertThat(row.revenue()).isEqualTo(Money.ofDecimal(expected.revenue().toPlainString(), usd));
            }
        }
    }

    @Test
    void anUnsupportedQueryIsA400InGoogleAdsErrorShape() throws Exception {
        connector.connect(account());
        String token = simulator.simulation().tokens().issue("google", Catalog.CLIENT_ID, "ya29.", Duration.ofMinutes(5));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(simulator.baseUrl("/google-ads") + "/v21/customers/" + SMALL + "/googleAds:search"))
                .header("Authorization", "Bearer " + token).header("developer-token", Catalog.DEVELOPER_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"SELECT campaign.id FROM campaign WHERE campaign.name LIKE 'x%'\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"status\":\"INVALID_ARGUMENT\"", "GoogleAdsFailure", "\"queryError\"");
    }
}
