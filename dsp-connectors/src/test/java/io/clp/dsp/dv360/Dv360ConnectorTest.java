package io.clp.dsp.dv360;

import io.clp.dsp.AccountInfo;
import io.clp.dsp.AccountRef;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspCredentials;
import io.clp.dsp.DspEntity;
import io.clp.dsp.EntityLevel;
import io.clp.dsp.EntityStatus;
import io.clp.dsp.HierarchyPage;
import io.clp.dsp.ListRequest;
import io.clp.dsp.RateLimit;
import io.clp.dsp.SimulatorFixture;
import io.clp.dsp.DspException;
import io.clp.dsp.ReportRow;
import io.clp.dspsim.Catalog;
import io.clp.dspsim.Fault;
import io.clp.dspsim.RequestLog;
import io.clp.dspsim.SimAccount;
import io.clp.dspsim.SimEntity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Dv360ConnectorTest {

    static final String SMALL = "1000001";
    @RegisterExtension
    static final SimulatorFixture simulator = new SimulatorFixture();

    Dv360Connector connector;

    @BeforeEach
    void freshConnector() {
        connector = simulator.connector((http, endpoints) -> new Dv360Connector(http, endpoints, Duration.ofMillis(20),
                Duration.ofSeconds(5)), Duration.ofSeconds(5));
    }

    static AccountRef account(String id) {
        return account(id, Catalog.REFRESH_TOKEN);
    }

    static AccountRef account(String id, String refreshToken) {
        return new AccountRef(Dsp.DV360, id, new DspCredentials(Map.of("client_id", Catalog.CLIENT_ID,
                "client_secret", Catalog.CLIENT_SECRET, "refresh_token", refreshToken)),
                new RateLimit(500, Duration.ofSeconds(5), 4, Duration.ofMillis(20), Duration.ofMillis(500)));
    }

    static SimAccount sim(String id) {
        return simulator.account("dv360", id);
    }

    @Test
    void connectReadsTheAdvertisersNameTimeZoneAndCurrency() {
        AccountInfo info = connector.connect(account(SMALL));

        assertThat(info.displayName()).isEqualTo("Acme Retail DV360");
        assertThat(info.timeZone().getId()).isEqualTo("America/New_York");
        assertThat(info.currency().getCurrencyCode()).isEqualTo("USD");
    }

    @Test
    void fullListingOfAllFourLevelsEqualsTheSimulatorsHierarchy() {
        AccountRef account = account(SMALL);
        SimAccount sim = sim(SMALL);
        EntityLevel[] levels = EntityLevel.values();
        for (int level = 0; level < levels.length; level++) {
            List<DspEntity> listed = SimulatorFixture.listAll(connector, account, levels[level], null);
            List<SimEntity> expected = sim.entities(level).stream().filter(e -> !e.removed()).toList();

            assertThat(listed).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                SimEntity want = expected.get(i);
                DspEntity got = listed.get(i);
                assertThat(got.level()).isEqualTo(levels[level]);
                assertThat(got.externalId()).isEqualTo(want.id());
                assertThat(got.parentExternalId()).isEqualTo(want.parentId());
                assertThat(got.name()).isEqualTo(want.name());
                assertThat(got.status()).isEqualTo(EntityStatus.valueOf(want.status()));
                assertThat(got.nativeStatus()).isEqualTo("ENTITY_STATUS_" + want.status());
                assertThat(got.updatedAt()).isEqualTo(want.updatedAt());
                assertThat(got.advertiserId()).isEqualTo(SMALL);
                if (want.budget() == null) {
                    assertThat(got.budget()).isNull();
                } else {
                    assertThat(got.budget().amount()).isEqualByComparingTo(want.budget());
                    assertThat(got.budget().currency().getCurrencyCode()).isEqualTo("USD");
                }
                assertThat(got.startDate()).isEqualTo(want.startDate());
                assertThat(got.endDate()).isEqualTo(want.endDate());
                if (level == SimEntity.INSERTION_ORDER || level == SimEntity.LINE_ITEM) {
                    assertThat(got.pacing()).containsEntry("period", "PACING_PERIOD_" + want.pacingPeriod())
                            .containsEntry("type", "PACING_TYPE_" + want.pacingType());
                }
                if (level == SimEntity.LINE_ITEM) {
                    assertThat(got.attributes().get("creativeIds")).isEqualTo(sim.children(SimEntity.CREATIVE, want.index())
                            .stream().filter(c -> !c.removed()).map(SimEntity::id).toList());
                }
                if (level == SimEntity.CREATIVE) {
                    assertThat(got.attributes().get("lineItemIds")).isEqualTo(List.of(want.parentId()));
                }
            }
        }
    }

    @Test
    void listingPagesAtTwoHundredWithTheDspsPageToken() {
        AccountRef account = account(SMALL);
        HierarchyPage first = connector.list(account, ListRequest.first(EntityLevel.CREATIVE, null));
        HierarchyPage second = connector.list(account, ListRequest.first(EntityLevel.CREATIVE, null).next(first.nextPageToken()));

        assertThat(first.entities()).hasSize(200);
        assertThat(first.nextPageToken()).isNotNull();
        assertThat(second.entities()).hasSize(200);
        assertThat(second.entities().getFirst().externalId()).isEqualTo(sim(SMALL).idOf(SimEntity.CREATIVE, 200));
    }

    @Test
    void incrementalListingAfterAnAdminChangeReturnsTheChangedOnes() {
        AccountRef account = account("1000002");
        Instant before = Instant.now().minusMillis(1);
        List<String> renamed = sim("1000002").rename(SimEntity.LINE_ITEM, 5, Instant.now());

        List<DspEntity> changed = SimulatorFixture.listAll(connector, account, EntityLevel.LINE_ITEM, before);

        assertThat(changed).extracting(DspEntity::externalId).containsExactlyInAnyOrderElementsOf(renamed);
        assertThat(changed).allSatisfy(e -> assertThat(e.name()).contains("(rev "));
        assertThat(changed.getFirst().budget().currency().getCurrencyCode()).isEqualTo("EUR");
    }

    // --- faults -----------------------------------------------------------------------------------------------------

    /** The small account, connected (so it holds a fresh token), with an empty request log and this fault armed. */
    AccountRef connectedWith(String dsp, Fault.Type type, int count, int retryAfterSeconds) {
        AccountRef account = account(SMALL);
        connector.connect(account);
        simulator.clearLog();
        simulator.arm(dsp, SMALL, type, count, retryAfterSeconds);
        return account;
    }

    @Test
    void aThrottleIsRetriedNoEarlierThanTheRetryDelayGoogleAskedFor() {
        AccountRef account = connectedWith("dv360", Fault.Type.THROTTLE, 1, 1);

        HierarchyPage page = connector.list(account, ListRequest.first(EntityLevel.CAMPAIGN, null));

        assertThat(page.entities()).hasSize(40);
        List<RequestLog.Entry> calls = simulator.log("dv360", SMALL);
        assertThat(calls).extracting(RequestLog.Entry::status).containsExactly(429, 200);
        assertThat(Duration.between(calls.get(0).at(), calls.get(1).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void serverErrorsAreRetriedUntilThePageArrives() {
        AccountRef account = connectedWith("dv360", Fault.Type.SERVER_ERROR, 2, 0);

        HierarchyPage page = connector.list(account, ListRequest.first(EntityLevel.INSERTION_ORDER, null));

        assertThat(page.entities()).hasSize(80);
        assertThat(simulator.statuses("dv360", SMALL)).containsExactly(503, 503, 200);
    }

    @Test
    void aCallThatHangsIsAnsweredByATimeoutAndRetried() {
        AccountRef account = account(SMALL);
        connector.connect(account);
        simulator.clearLog();
        simulator.hangOnce("dv360", SMALL, 300);

        HierarchyPage page = connector.list(account, ListRequest.first(EntityLevel.CAMPAIGN, null));

        assertThat(page.entities()).hasSize(40);
        assertThat(simulator.statuses("dv360", SMALL)).containsExactly(504, 200);
    }

    /** A page cut short is a dropped transfer of an idempotent GET: read again, never half a page taken as a page. */
    @Test
    void aTruncatedPageIsReadAgainAndNothingIsLost() {
        AccountRef account = account(SMALL);
        HierarchyPage whole = connector.list(account, ListRequest.first(EntityLevel.LINE_ITEM, null));
        simulator.clearLog();
        simulator.arm("dv360", SMALL, Fault.Type.TRUNCATED_PAGE, 1, 0);

        HierarchyPage page = connector.list(account, ListRequest.first(EntityLevel.LINE_ITEM, null));

        assertThat(page).isEqualTo(whole);
        assertThat(simulator.statuses("dv360", SMALL)).containsExactly(200, 200);
    }

    @Test
    void anExpiredTokenIsRefreshedOnceAndTheCallSucceeds() {
        AccountRef account = connectedWith("dv360", Fault.Type.EXPIRED_TOKEN, 1, 0);

        HierarchyPage page = connector.list(account, ListRequest.first(EntityLevel.CAMPAIGN, null));

        assertThat(page.entities()).hasSize(40);
        assertThat(simulator.statuses("dv360", SMALL)).containsExactly(401, 200);
        assertThat(simulator.log("google-oauth", null)).hasSize(1);
    }

    @Test
    void aWrongRefreshTokenIsInvalidCredentials() {
        assertThatThrownBy(() -> connector.connect(account(SMALL, "not-the-refresh-token")))
                .isInstanceOf(DspException.InvalidCredentials.class)
                .hasMessageNotContaining("not-the-refresh-token");
    }

    @Test
    void anAdvertiserTheCredentialsCannotSeeIsRejected() {
        assertThatThrownBy(() -> connector.connect(account("1999999")))
                .isInstanceOfSatisfying(DspException.Rejected.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    // --- daily report -----------------------------------------------------------------------------------------------

    @Test
    void aThreeDayReportEqualsTheSimulatorsDelivery() {
        AccountRef account = account(SMALL);
        SimAccount sim = sim(SMALL);
        LocalDate from = LocalDate.of(2026, 3, 1);
        List<ReportRow> rows = new ArrayList<>();

        connector.dailyReport(account, from, from.plusDays(2), rows::add);

        List<ReportRow> expected = new ArrayList<>();
        for (LocalDate day = from; !day.isAfter(from.plusDays(2)); day = day.plusDays(1)) {
            for (int i = 0; i < sim.count(SimEntity.LINE_ITEM); i++) {
                SimAccount.Delivery d = sim.delivery(SimEntity.LINE_ITEM, i, day);
                expected.add(new ReportRow(day, EntityLevel.LINE_ITEM, sim.idOf(SimEntity.LINE_ITEM, i), d.impressions(),
                        d.clicks(), BigDecimal.valueOf(d.conversions()), d.views(),
                        io.clp.dsp.Money.ofDecimal(d.spend().toPlainString(), java.util.Currency.getInstance("USD")),
                        io.clp.dsp.Money.ofDecimal(d.revenue().toPlainString(), java.util.Currency.getInstance("USD"))));
            }
        }
        assertThat(rows).containsExactlyElementsOf(expected);
        assertThat(simulator.log("bidmanager", SMALL)).extracting(e -> e.method() + " " + e.status())
                .containsExactly("POST 200", "POST 200", "GET 200", "GET 200", "DELETE 200");
    }

    @Test
    void aFailedReportJobIsReportFailedAndTheQueryIsDeleted() {
        AccountRef account = account(SMALL);
        connector.connect(account);
        simulator.arm("dv360", SMALL, Fault.Type.FAILED_REPORT, 1, 0);
        List<ReportRow> rows = new ArrayList<>();

        assertThatThrownBy(() -> connector.dailyReport(account, LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 1), rows::add))
                .isInstanceOf(DspException.ReportFailed.class);
        assertThat(rows).isEmpty();
        assertThat(simulator.log("bidmanager", SMALL).getLast().method()).isEqualTo("DELETE");
    }

    @Test
    void bidManagersUserRateLimitIsRetried() {
        AccountRef account = connectedWith("bidmanager", Fault.Type.THROTTLE, 1, 1);
        List<ReportRow> rows = new ArrayList<>();

        connector.dailyReport(account, LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 1), rows::add);

        assertThat(rows).hasSize((int) sim(SMALL).count(SimEntity.LINE_ITEM));
        assertThat(simulator.statuses("bidmanager", SMALL)).startsWith(403, 200);
    }

    @Test
    void bidManagersDailyQuotaFailsAtOnceAsRateLimitedUntilItResets() {
        AccountRef account = connectedWith("bidmanager", Fault.Type.THROTTLE, 1, 86_400);

        assertThatThrownBy(() -> connector.dailyReport(account, LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 1), r -> { }))
                .isInstanceOfSatisfying(DspException.RateLimited.class, e -> assertThat(e.retryAfter())
                        .isPositive().isLessThanOrEqualTo(Duration.ofHours(25)));
        assertThat(simulator.statuses("bidmanager", SMALL)).containsExactly(403);
    }
}
