package io.clp.dsp.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.dsp.AccountInfo;
import io.clp.dsp.AccountRef;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspCredentials;
import io.clp.dsp.DspEntity;
import io.clp.dsp.DspException;
import io.clp.dsp.EntityLevel;
import io.clp.dsp.EntityStatus;
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
import java.math.RoundingMode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetaConnectorTest {

    private static final String SMALL = "act_2000001";
    private static final String JAPAN = "act_2000002";
    private static final RateLimit FAST = new RateLimit(200, Duration.ofSeconds(10), 3, Duration.ofMillis(20), Duration.ofSeconds(3));
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final SimulatorFixture simulator = new SimulatorFixture();

    private MetaConnector connector;

    @BeforeEach
    void connector() {
        connector = simulator.connector(MetaConnector::new, Duration.ofSeconds(5));
    }

    private static AccountRef account(String id) {
        return new AccountRef(Dsp.META, id, new DspCredentials(Map.of("access_token", Catalog.META_TOKEN)), FAST);
    }

    private static SimAccount sim(String id) {
        return simulator.account("meta", id);
    }

    private static void arm(String account, Fault.Type type, int count, int retryAfterSeconds) {
        simulator.arm("meta", account, type, count, retryAfterSeconds);
    }

    private List<DspEntity> listAll(AccountRef account, EntityLevel level, Instant updatedSince) {
        return SimulatorFixture.listAll(connector, account, level, updatedSince);
    }

    /** What the connector should read for one simulated object: Meta has no draft state and no budget or dates on ads. */
    private static void assertMatches(DspEntity actual, SimEntity expected, SimAccount account) {
        assertThat(actual.externalId()).isEqualTo(expected.id());
        assertThat(actual.name()).isEqualTo(expected.name());
        EntityStatus status = switch (expected.status()) {
            case "ACTIVE" -> EntityStatus.ACTIVE;
            case "ARCHIVED" -> EntityStatus.ARCHIVED;
            case "REMOVED" -> EntityStatus.REMOVED;
            default -> EntityStatus.PAUSED;
        };
        assertThat(actual.status()).as("status of %s", expected.id()).isEqualTo(status);
        if (expected.level() == SimEntity.CREATIVE) {
            assertThat(actual.parentExternalId()).isEqualTo(expected.parentId());
            return;
        }
        assertThat(actual.parentExternalId()).isEqualTo(expected.parentId());
        assertThat(actual.updatedAt()).isEqualTo(expected.updatedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        if (expected.level() == SimEntity.LINE_ITEM) {
            assertThat(actual.budget()).isNull();
            assertThat(actual.startDate()).isNull();
            return;
        }
        int offset = account.currency().equals("JPY") ? 1 : 100;
        BigDecimal major = expected.budget().multiply(BigDecimal.valueOf(offset)).setScale(0, RoundingMode.DOWN)
                .divide(BigDecimal.valueOf(offset));
        assertThat(actual.budget()).isEqualTo(Money.ofDecimal(major.toPlainString(), Currency.getInstance(account.currency())));
        assertThat(actual.budgetType()).isEqualTo(expected.budgetType());
        assertThat(actual.startDate()).isEqualTo(expected.startDate());
        assertThat(actual.endDate()).isEqualTo(expected.endDate());
    }

    private static List<SimEntity> visible(SimAccount account, int level) {
        return account.entities(level).stream().filter(e -> !e.removed()).toList();
    }

    @Test
    void connectReadsTheAccountsNameTimeZoneAndCurrency() {
        AccountInfo info = connector.connect(account(JAPAN));
        assertThat(info.externalAccountId()).isEqualTo(JAPAN);
        assertThat(info.displayName()).isEqualTo("Acme Japan Meta");
        assertThat(info.timeZone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
        assertThat(info.currency()).isEqualTo(Currency.getInstance("JPY"));
    }

    @Test
    void fullListingOfTheSmallAccountEqualsTheSimulatorsHierarchy() {
        SimAccount sim = sim(SMALL);
        for (EntityLevel level : EntityLevel.values()) {
            List<DspEntity> listed = listAll(account(SMALL), level, null);
            List<SimEntity> expected = visible(sim, level.ordinal());
            assertThat(listed).as("level %s", level).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertMatches(listed.get(i), expected.get(i), sim);
            }
        }
    }

    @Test
    void budgetsOfAJapaneseYenAccountUseMetasOffsetOfOneAcrossSeveralPages() {
        SimAccount sim = sim(JAPAN);
        List<DspEntity> campaigns = listAll(account(JAPAN), EntityLevel.CAMPAIGN, null);
        List<SimEntity> expected = visible(sim, SimEntity.CAMPAIGN);
        assertThat(campaigns).hasSize(expected.size()).hasSizeGreaterThan(500);
        for (int i = 0; i < expected.size(); i++) {
            assertMatches(campaigns.get(i), expected.get(i), sim);
        }
        assertThat(campaigns.getFirst().budget().currency().getCurrencyCode()).isEqualTo("JPY");
        assertThat(campaigns.getFirst().budget().amount().scale()).isLessThanOrEqualTo(0);
    }

    @Test
    void pagingNextIsAnAbsoluteUrlThatWorksWhenFollowedVerbatim() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String url = simulator.baseUrl("/meta") + "/v21.0/" + JAPAN + "/campaigns?fields=id,name&limit=300&access_token="
                + URLEncoder.encode(Catalog.META_TOKEN, StandardCharsets.UTF_8);
        int seen = 0;
        int pages = 0;
        while (url != null) {
            assertThat(url).startsWith(simulator.baseUrl("/meta") + "/v21.0/");
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(response.body());
            seen += body.path("data").size();
            pages++;
            url = body.path("paging").path("next").asText(null);
        }
        assertThat(seen).isEqualTo(visible(sim(JAPAN), SimEntity.CAMPAIGN).size());
        assertThat(pages).isGreaterThan(1);
    }

    @Test
    void anIncrementalListingReturnsTheObjectsChangedSinceAndLeavesDeletedOnesToTheFullListing() {
        SimAccount sim = sim(SMALL);
        Instant since = Instant.now().minusSeconds(1);
        List<String> renamed = sim.rename(SimEntity.INSERTION_ORDER, 3, Instant.now());
        List<String> removed = sim.remove(SimEntity.INSERTION_ORDER, 1, Instant.now().plusMillis(7));

        List<DspEntity> changed = listAll(account(SMALL), EntityLevel.INSERTION_ORDER, since);

        assertThat(changed).extracting(DspEntity::externalId).containsExactlyInAnyOrderElementsOf(
                renamed.stream().filter(id -> !removed.contains(id)).toList());
        assertThat(changed).allSatisfy(e -> assertThat(e.name()).contains("(rev "));
        List<DspEntity> all = listAll(account(SMALL), EntityLevel.INSERTION_ORDER, null);
        assertThat(all).extracting(DspEntity::externalId).doesNotContainAnyElementsOf(removed);
    }

    @Test
    void aThrottleIsRetriedNoEarlierThanTheWaitMetaAsksFor() {
        simulator.clearLog();
        arm(SMALL, Fault.Type.THROTTLE, 1, 2);

        connector.connect(account(SMALL));

        List<RequestLog.Entry> calls = simulator.log("meta", SMALL);
        assertThat(calls).extracting(RequestLog.Entry::status).containsExactly(400, 200);
        assertThat(Duration.between(calls.get(0).at(), calls.get(1).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aServerErrorIsRetriedAndThenSucceeds() {
        arm(SMALL, Fault.Type.SERVER_ERROR, 2, 0);
        assertThat(listAll(account(SMALL), EntityLevel.CAMPAIGN, null)).hasSize(visible(sim(SMALL), 0).size());
    }

    @Test
    void aCallThatTimesOutIsRetried() {
        simulator.clearLog();
        simulator.hangOnce("meta", SMALL, 300);
        assertThat(connector.connect(account(SMALL)).displayName()).isEqualTo("Acme Retail Meta");
        assertThat(simulator.statuses("meta", SMALL)).containsExactly(504, 200);
    }

    @Test
    void aTruncatedPageIsReadAgainWithTheSameCursor() {
        simulator.clearLog();
        connector.connect(account(SMALL));
        arm(SMALL, Fault.Type.TRUNCATED_PAGE, 1, 0);
        assertThat(listAll(account(SMALL), EntityLevel.LINE_ITEM, null)).hasSize(visible(sim(SMALL), 2).size());
        assertThat(simulator.log("meta", SMALL)).hasSize(3);
    }

    @Test
    void anExpiredSessionOnceIsRetriedWithTheSameLongLivedTokenAndSucceeds() {
        arm(SMALL, Fault.Type.EXPIRED_TOKEN, 1, 0);
        assertThat(connector.connect(account(SMALL)).displayName()).isEqualTo("Acme Retail Meta");
    }

    @Test
    void aTokenThatStaysExpiredIsInvalidCredentialsSinceItCannotBeRefreshed() {
        arm(SMALL, Fault.Type.EXPIRED_TOKEN, 2, 0);
        assertThatThrownBy(() -> connector.connect(account(SMALL))).isInstanceOf(DspException.InvalidCredentials.class);
    }

    @Test
    void aWrongTokenIsInvalidCredentials() {
        AccountRef wrong = new AccountRef(Dsp.META, SMALL, new DspCredentials(Map.of("access_token", "nope")), FAST);
        assertThatThrownBy(() -> connector.connect(wrong)).isInstanceOf(DspException.InvalidCredentials.class)
                .hasMessageNotContaining("nope");
    }

    @Test
    void aFailedInsightsJobIsReportFailed() {
        arm(SMALL, Fault.Type.FAILED_REPORT, 1, 0);
        assertThatThrownBy(() -> connector.dailyReport(account(SMALL), LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 2), r -> { }))
                .isInstanceOf(DspException.ReportFailed.class).hasMessageContaining("Job Failed");
    }

    @Test
    void theDailyReportHasOneRowPerAdAndDayEqualToTheSimulatedDelivery() {
        SimAccount sim = sim(SMALL);
        LocalDate from = LocalDate.of(2026, 3, 1);
        LocalDate to = LocalDate.of(2026, 3, 3);
        List<ReportRow> rows = new ArrayList<>();
        connector.dailyReport(account(SMALL), from, to, rows::add);

        List<SimEntity> ads = visible(sim, SimEntity.LINE_ITEM);
        assertThat(rows).hasSize(ads.size() * 3);
        Currency usd = Currency.getInstance("USD");
        rows.sort(Comparator.comparing(ReportRow::externalId).thenComparing(ReportRow::date));
        int i = 0;
        for (SimEntity ad : ads.stream().sorted(Comparator.comparing(SimEntity::id)).toList()) {
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                ReportRow row = rows.get(i++);
                SimAccount.Delivery expected = sim.delivery(SimEntity.LINE_ITEM, ad.index(), d);
                assertThat(row.externalId()).isEqualTo(ad.id());
                assertThat(row.level()).isEqualTo(EntityLevel.LINE_ITEM);
                assertThat(row.date()).isEqualTo(d);
                assertThat(row.impressions()).isEqualTo(expected.impressions());
                assertThat(row.clicks()).isEqualTo(expected.clicks());
                assertThat(row.conversions()).isEqualByComparingTo(BigDecimal.valueOf(expected.conversions()));
                assertThat(row.views()).isEqualTo(expected.views());
                assertThat(row.spend()).isEqualTo(Money.ofDecimal(expected.spend().toPlainString(), usd));
                assertThat(row.revenue()).isEqualTo(Money.ofDecimal(expected.revenue().toPlainString(), usd));
            }
        }
    }
}
