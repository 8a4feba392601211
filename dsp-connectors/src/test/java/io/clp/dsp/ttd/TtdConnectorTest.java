package io.clp.dsp.ttd;

import io.clp.dsp.AccountInfo;
import io.clp.dsp.AccountRef;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspCredentials;
import io.clp.dsp.DspEndpoints;
import io.clp.dsp.DspEntity;
import io.clp.dsp.DspException;
import io.clp.dsp.EntityLevel;
import io.clp.dsp.HierarchyPage;
import io.clp.dsp.ListRequest;
import io.clp.dsp.RateLimit;
import io.clp.dsp.ReportRow;
import io.clp.dsp.SimulatorFixture;
import io.clp.dsp.http.DspHttp;
import io.clp.dspsim.Catalog;
import io.clp.dspsim.Fault;
import io.clp.dspsim.RequestLog;
import io.clp.dspsim.SimAccount;
import io.clp.dspsim.SimEntity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CopyOnWriteArrayList;
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

class TtdConnectorTest {

    static final String ADVERTISER = "ttdadv01";
    static final RateLimit FAST = new RateLimit(1_000, Duration.ofSeconds(5), 3, Duration.ofMillis(20), Duration.ofMillis(200));

    @RegisterExtension
    final SimulatorFixture simulator = new SimulatorFixture();

    SimAccount sim;
    TtdConnector connector;
    AccountRef account;

    @BeforeEach
    void connector() {
        sim = simulator.account("ttd", ADVERTISER);
        connector = simulator.connector(TtdConnector::new, Duration.ofSeconds(2));
        account = account(Catalog.TTD_PASSWORD);
    }

    AccountRef account(String password) {
        return new AccountRef(Dsp.TTD, ADVERTISER, new DspCredentials(Map.of("login", Catalog.TTD_LOGIN, "password", password)), FAST);
    }

    @Test
    void connectReadsTheAdvertisersNameTimeZoneAndCurrency() {
        AccountInfo info = connector.connect(account);
        assertThat(info.displayName()).isEqualTo(sim.name());
        assertThat(info.timeZone()).isEqualTo(ZoneId.of("America/Los_Angeles"));
        assertThat(info.currency().getCurrencyCode()).isEqualTo("USD");
        assertThat(connector.credentialNames()).containsExactlyInAnyOrder("login", "password");
    }

    @Test
    void fullListingOfAllFourLevelsEqualsTheSimulatedHierarchy() {
        for (EntityLevel level : EntityLevel.values()) {
            List<DspEntity> listed = listAll(level, null);
            assertThat(listed.stream().map(TtdConnectorTest::describe).toList())
                    .as(level.name())
                    .containsExactlyElementsOf(expected(level));
        }
    }

    @Test
    void pagesAreOffsetsOfAHundred() {
        HierarchyPage first = connector.list(account, ListRequest.first(EntityLevel.LINE_ITEM, null));
        assertThat(first.entities()).hasSize(100);
        assertThat(first.nextPageToken()).isEqualTo("100");
        HierarchyPage third = connector.list(account, ListRequest.first(EntityLevel.LINE_ITEM, null).next("200"));
        assertThat(third.entities()).hasSize(40);
        assertThat(third.last()).isTrue();
    }

    @Test
    void incrementalListingReturnsOnlyWhatChangedSinceTheGivenTime() {
        Instant since = Instant.now();
        List<String> renamed = sim.rename(SimEntity.CAMPAIGN, 3, Instant.now()).stream().distinct().toList();
        List<String> renamedLineItems = sim.rename(SimEntity.LINE_ITEM, 2, Instant.now()).stream().distinct().toList();

        assertThat(listAll(EntityLevel.CAMPAIGN, since)).extracting(DspEntity::externalId).containsExactlyInAnyOrderElementsOf(renamed);
        assertThat(listAll(EntityLevel.LINE_ITEM, since)).extracting(DspEntity::externalId)
                .containsExactlyInAnyOrderElementsOf(renamedLineItems);
        assertThat(listAll(EntityLevel.CAMPAIGN, since)).allSatisfy(c -> assertThat(c.name()).contains("(rev "));
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
        arm(Fault.Type.THROTTLE, 1, 1);
        assertThat(connector.list(account, ListRequest.first(EntityLevel.CAMPAIGN, null)).entities()).hasSize(40);

        RequestLog.Entry retry = SimulatorFixture.retryOf(log(), 429, Duration.ofSeconds(1));
        assertThat(retry.status()).isEqualTo(200);
    }

    @Test
    void serverErrorsAreRetriedUntilSuccess() {
        arm(Fault.Type.SERVER_ERROR, 2, 0);
        assertThat(connector.list(account, ListRequest.first(EntityLevel.CAMPAIGN, null)).entities()).hasSize(40);
        assertThat(simulator.statuses("ttd", ADVERTISER)).containsSubsequence(503, 503, 200);
    }

    @Test
    void serverErrorsBeyondTheRetriesAreTransientUnavailable() {
        arm(Fault.Type.SERVER_ERROR, 10, 0);
        assertThatThrownBy(() -> connector.list(account, ListRequest.first(EntityLevel.CAMPAIGN, null)))
                .isInstanceOf(DspException.Unavailable.class)
                .satisfies(e -> assertThat(((DspException) e).isTransient()).isTrue());
    }

    @Test
    void aCallThatTimesOutIsSentAgain() {
        connector.connect(account);
        simulator.hangOnce("ttd", ADVERTISER, 2_500);
        long started = System.nanoTime();
        assertThat(connector.list(account, ListRequest.first(EntityLevel.CAMPAIGN, null)).entities()).hasSize(40);
        // the first attempt hung past the 2 s request timeout; the answer came from the second
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aTruncatedPageIsReadAgainAndComesBackWhole() {
        connector.connect(account);
        arm(Fault.Type.TRUNCATED_PAGE, 1, 0);
        HierarchyPage page = connector.list(account, ListRequest.first(EntityLevel.CAMPAIGN, null));
        assertThat(page.entities()).hasSize(40);
        assertThat(log()).filteredOn(e -> e.path().equals("/v3/campaign/query/advertiser")).hasSize(2);
    }

    @Test
    void anExpiredTokenLeadsToOneNewLoginAndTheCallSucceeds() {
        connector.connect(account);
        arm(Fault.Type.EXPIRED_TOKEN, 1, 0);
        assertThat(connector.list(account, ListRequest.first(EntityLevel.CAMPAIGN, null)).entities()).hasSize(40);
        List<RequestLog.Entry> all = simulator.log("ttd", null);
        assertThat(all).filteredOn(e -> e.path().equals("/v3/authentication")).hasSize(2);
        assertThat(all).extracting(RequestLog.Entry::status).containsSubsequence(401, 200, 200);
    }

    @Test
    void aWrongPasswordIsInvalidCredentials() {
        assertThatThrownBy(() -> connector.connect(account("not-the-password")))
                .isInstanceOf(DspException.InvalidCredentials.class)
                .hasMessageNotContaining("not-the-password");
    }

    @Test
    void aFailingReportJobIsReportFailedAndItsScheduleIsDeleted() {
        arm(Fault.Type.FAILED_REPORT, 1, 0);
        assertThatThrownBy(() -> connector.dailyReport(account, LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 2), r -> { }))
                .isInstanceOf(DspException.ReportFailed.class);
        assertThat(log()).anySatisfy(e -> {
            assertThat(e.method()).isEqualTo("DELETE");
            assertThat(e.status()).isEqualTo(200);
        });
    }

    @Test
    void aReportFileOnAnotherHostIsFetchedWithoutTheTtdAuthToken() throws Exception {
        // TTD's API is reached through a front that moves the report's DownloadURL to a second host, which records
        // the headers it is sent and serves the simulator's file
        HttpClient client = HttpClient.newHttpClient();
        String sim = simulator.baseUrl("");
        List<String> fileHostAuth = new CopyOnWriteArrayList<>();
        HttpServer files = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        files.createContext("/", ex -> {
            fileHostAuth.add(String.valueOf(ex.getRequestHeaders().getFirst("TTD-Auth")));
            byte[] body = relay(client, HttpRequest.newBuilder(URI.create(sim + ex.getRequestURI())).GET()).body();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        files.start();
        String filesRoot = "http://127.0.0.1:" + files.getAddress().getPort();
        HttpServer front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        front.createContext("/", ex -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim + ex.getRequestURI()))
                    .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(ex.getRequestBody().readAllBytes()));
            for (String h : List.of("TTD-Auth", "Content-Type")) {
                String v = ex.getRequestHeaders().getFirst(h);
                if (v != null) {
                    b.header(h, v);
                }
            }
            HttpResponse<byte[]> answer = relay(client, b);
            byte[] body = new String(answer.body(), StandardCharsets.UTF_8).replace(sim + "/files/", filesRoot + "/files/")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(answer.statusCode(), body.length == 0 ? -1 : body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        front.start();
        try {
            TtdConnector fronted = new TtdConnector(DspHttp.create(Duration.ofSeconds(2), Duration.ofSeconds(2)),
                    DspEndpoints.simulator("http://127.0.0.1:" + front.getAddress().getPort()));
            List<ReportRow> rows = new ArrayList<>();
            fronted.dailyReport(account, LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 1), rows::add);

            assertThat(rows).isNotEmpty();
            assertThat(fileHostAuth).isNotEmpty().containsOnly("null");
        } finally {
            front.stop(0);
            files.stop(0);
        }
    }

    static HttpResponse<byte[]> relay(HttpClient client, HttpRequest.Builder request) throws IOException {
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Test
    void anAdvertiserIdWithPathCharactersCannotReachAnotherPathAndIsADspRefusal() {
        for (String id : List.of("ttdadv01?x=1", "ttdadv01#x", "../ttdadv01", "ttd adv01", "..")) {
            AccountRef odd = new AccountRef(Dsp.TTD, id, account.credentials(), FAST);
            assertThatThrownBy(() -> connector.connect(odd)).as(id).isInstanceOf(DspException.class);
        }
    }

    @Test
    void theDailyReportHasOneRowPerAdGroupAndDayEqualToTheSimulatedDelivery() {
        LocalDate from = LocalDate.of(2026, 3, 1);
        LocalDate to = LocalDate.of(2026, 3, 3);
        List<ReportRow> rows = new ArrayList<>();
        connector.dailyReport(account, from, to, rows::add);

        assertRowsEqualDelivery(rows, sim, 3);
        assertThat(rows).extracting(ReportRow::date).containsOnly(from, from.plusDays(1), to);
        assertThat(log()).anySatisfy(e -> assertThat(e.method()).isEqualTo("DELETE"));
    }

    // --- helpers -------------------------------------------------------------------------------------------------------

    List<DspEntity> listAll(EntityLevel level, Instant since) {
        return SimulatorFixture.listAll(connector, account, level, since);
    }

    /** The simulated hierarchy as TTD renders it (docs/dsp-connectors.md, "The Trade Desk"). */
    List<String> expected(EntityLevel level) {
        int l = level.ordinal();
        return sim.entities(l).stream().filter(e -> !e.removed()).map(e -> {
            SimEntity campaign = sim.byId(SimEntity.CAMPAIGN, e.campaignId());
            String status = switch (l) {
                case SimEntity.CAMPAIGN -> e.status().equals("ARCHIVED") ? "ARCHIVED" : "ACTIVE";
                case SimEntity.INSERTION_ORDER -> campaign.status().equals("ARCHIVED") ? "ARCHIVED" : "ACTIVE";
                case SimEntity.LINE_ITEM -> e.status().equals("ARCHIVED") ? "ARCHIVED" : e.status().equals("ACTIVE") ? "ACTIVE" : "PAUSED";
                default -> e.status().equals("ARCHIVED") ? "ARCHIVED" : "ACTIVE";
            };
            String budget = e.budget() == null ? null : e.budget().stripTrailingZeros().toPlainString() + " USD";
            boolean dated = l <= SimEntity.INSERTION_ORDER;
            return String.join("|", level.name(), e.id(), String.valueOf(e.parentId()), l == SimEntity.INSERTION_ORDER ? "-" : e.name(),
                    status, String.valueOf(budget), String.valueOf(e.budgetType()), dated ? e.startDate().toString() : "null",
                    dated ? e.endDate().toString() : "null");
        }).toList();
    }

    static String describe(DspEntity e) {
        return String.join("|", e.level().name(), e.externalId(), String.valueOf(e.parentExternalId()),
                e.level() == EntityLevel.INSERTION_ORDER ? "-" : e.name(), e.status().name(),
                String.valueOf(e.budget()), String.valueOf(e.budgetType()), String.valueOf(e.startDate()), String.valueOf(e.endDate()));
    }

    void arm(Fault.Type type, int count, int retryAfterSeconds) {
        simulator.arm("ttd", ADVERTISER, type, count, retryAfterSeconds);
    }

    List<RequestLog.Entry> log() {
        return simulator.log("ttd", ADVERTISER);
    }

}
