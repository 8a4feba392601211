package io.clp.pipeline.source;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.clp.dsp.AccountInfo;
import io.clp.dsp.AccountRef;
import io.clp.dsp.DelegatedAccess;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspConnectors;
import io.clp.dsp.DspCredentials;
import io.clp.dsp.DspEndpoints;
import io.clp.dsp.http.DspHttp;
import io.clp.dspsim.Catalog;
import io.clp.dspsim.DspSimulator;
import io.clp.dspsim.Fault;
import io.clp.dspsim.SimAccount;
import io.clp.dspsim.SimEntity;
import io.clp.pipeline.campaigns.DspAccess;
import io.clp.pipeline.campaigns.DspAccessTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The DSP report source against an in-process DSP simulator, with access delegated the way campaign-service delegates
 * it: a {@link DspAccessTokens} that holds the long-lived credentials, mints delegated access with the connector and
 * hands only that to the source.
 */
class DspReportSourceTest {

    static final long SEED = 7;
    static final LocalDate FROM = LocalDate.of(2026, 3, 1);
    static final LocalDate TO = LocalDate.of(2026, 3, 3);
    static final UUID ORG = UUID.randomUUID();

    static DspSimulator simulator;
    static DspEndpoints endpoints;

    @TempDir
    Path spool;

    /** The side that owns the secrets (campaign-service): its own connectors, token cache and long-lived credentials. */
    DspConnectors owner;
    /** What the owner gives out, adjusted per test (expired, another account, a secret that must not cross). */
    UnaryOperator<DspAccess> tamper;
    final Map<UUID, Dsp> accounts = new HashMap<>();
    final Map<UUID, String> externalIds = new HashMap<>();
    final Map<UUID, AccountInfo> infos = new HashMap<>();
    /** How often the source asked the owner for access. */
    final AtomicInteger delegations = new AtomicInteger();

    @BeforeAll
    static void startSimulator() {
        // Bid Manager reports are polled every 10 s by default; the simulator's are done at once
        System.setProperty("clp.dsp.dv360.report-poll-interval", "PT0.02S");
        simulator = DspSimulator.start("127.0.0.1", 0, SEED);
        endpoints = DspEndpoints.simulator(simulator.baseUrl(""));
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
        System.clearProperty("clp.dsp.dv360.report-poll-interval");
    }

    @BeforeEach
    void owner() {
        owner = new DspConnectors(DspHttp.create(Duration.ofSeconds(2), Duration.ofSeconds(10)), endpoints);
        tamper = UnaryOperator.identity();
        simulator.simulation().faults().clear();
    }

    static String small(Dsp dsp) {
        return switch (dsp) {
            case DV360 -> "1000001";
            case TTD -> "ttdadv01";
            case META -> "act_2000001";
            case AMAZON -> "3000001";
            case GOOGLE_ADS -> "4000000001";
        };
    }

    static Map<String, String> longLived(Dsp dsp, String externalId) {
        Map<String, String> oauth = Map.of("client_id", Catalog.CLIENT_ID, "client_secret", Catalog.CLIENT_SECRET,
                "refresh_token", Catalog.REFRESH_TOKEN);
        Map<String, String> values = new HashMap<>();
        switch (dsp) {
            case DV360 -> values.putAll(oauth);
            case TTD -> values.putAll(Map.of("login", Catalog.TTD_LOGIN, "password", Catalog.TTD_PASSWORD));
            case META -> values.put("access_token", Catalog.META_TOKEN);
            case AMAZON -> {
                values.putAll(oauth);
                values.put("profile_id", String.valueOf(4400000000000L + Long.parseLong(externalId)));
            }
            case GOOGLE_ADS -> {
                values.putAll(oauth);
                values.put("developer_token", Catalog.DEVELOPER_TOKEN);
            }
        }
        return values;
    }

    UUID account(Dsp dsp, String externalId) {
        UUID id = UUID.randomUUID();
        accounts.put(id, dsp);
        externalIds.put(id, externalId);
        return id;
    }

    /** campaign-service's side of the contract: delegate with the long-lived credentials, hand over only the result. */
    final DspAccessTokens tokens = (organizationId, dspAccountId) -> {
        delegations.incrementAndGet();
        Dsp dsp = accounts.get(dspAccountId);
        String externalId = externalIds.get(dspAccountId);
        AccountRef ref = new AccountRef(dspAccountId.toString(), dsp, externalId,
                new DspCredentials(longLived(dsp, externalId)), null);
        // read once: a later delegation for the same account then makes no call at all (the owner's token is cached)
        AccountInfo info = infos.computeIfAbsent(dspAccountId, id -> owner.get(dsp).connect(ref));
        DelegatedAccess access = owner.get(dsp).delegate(ref);
        return tamper.apply(new DspAccess(dsp.label(), externalId, access.credentials().asMap(), access.expiresAt(),
                info.timeZone().getId(), info.currency().getCurrencyCode()));
    };

    DspReportSource source() {
        return new DspReportSource(new DspConnectors(DspHttp.create(Duration.ofSeconds(2), Duration.ofSeconds(10)), endpoints),
                tokens, spool);
    }

    static SourceRequest request(UUID account, LocalDate from, LocalDate to) {
        return new SourceRequest(ORG, UUID.randomUUID(), UUID.randomUUID(), account, JsonNodeFactory.instance.objectNode(), from, to);
    }

    static List<List<String>> read(InputStream in) throws IOException {
        List<List<String>> records = new ArrayList<>();
        try (in; CsvReader<CsvRecord> csv = CsvReader.builder().ofCsvRecord(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (CsvRecord r : csv) {
                records.add(r.getFields());
            }
        }
        return records;
    }

    List<Path> spooled() throws IOException {
        try (Stream<Path> files = Files.list(spool)) {
            return files.toList();
        }
    }

    @ParameterizedTest
    @EnumSource(Dsp.class)
    void theReportStreamsAsCsvInTheDspReportHeaderEqualToTheSimulatorsDelivery(Dsp dsp) throws IOException {
        UUID account = account(dsp, small(dsp));
        SourceRequest request = request(account, FROM, TO);
        DspReportSource source = source();

        List<List<String>> records;
        try (Source.Delivery delivery = source.fetch(request)) {
            assertThat(delegations).as("access is asked for once per report").hasValue(1);
            assertThat(delivery.objects()).singleElement().satisfies(o -> {
                assertThat(o.name()).isEqualTo(dsp.label() + "-report-2026-03-01-2026-03-03");
                assertThat(o.sizeBytes()).as("the report is spooled whole before bronze reads it")
                        .isEqualTo(Files.size(spooled().getFirst()));
            });
            records = read(delivery.open(delivery.objects().getFirst()));
        }

        assertThat(records.getFirst()).isEqualTo(SourceFormats.DSP_REPORT_HEADER);
        SimAccount sim = simulator.simulation().catalog().account(dsp.label(), small(dsp)).orElseThrow();
        List<List<String>> rows = records.subList(1, records.size());
        assertThat(rows).hasSize((int) sim.count(SimEntity.LINE_ITEM) * 3);
        for (List<String> row : rows) {
            LocalDate date = LocalDate.parse(row.get(0));
            SimAccount.Delivery d = sim.delivery(SimEntity.LINE_ITEM, sim.byId(SimEntity.LINE_ITEM, row.get(2)).index(), date);
            assertThat(date).isBetween(FROM, TO);
            assertThat(row.get(1)).isEqualTo("line_item");
            assertThat(row.get(3)).isEqualTo(Long.toString(d.impressions()));
            assertThat(row.get(4)).isEqualTo(Long.toString(d.clicks()));
            assertThat(new BigDecimal(row.get(5))).isEqualByComparingTo(BigDecimal.valueOf(d.conversions()));
            assertThat(row.get(7)).doesNotContain("E").satisfies(v -> assertThat(new BigDecimal(v)).isEqualByComparingTo(d.spend()));
            assertThat(row.get(8)).isEqualTo(sim.currency());
            assertThat(row.get(9)).doesNotContain("E").satisfies(v -> assertThat(new BigDecimal(v)).isEqualByComparingTo(d.revenue()));
        }
        assertThat(spooled()).as("the spooled report is gone once the delivery is closed").isEmpty();
    }

    @Test
    void aLargeReportIsSpooledOnDiskNotHeldInMemoryAndItsFileGoesWhenTheDeliveryCloses() throws IOException {
        // 10,000 line items over two days: 20,000 rows, read one at a time from the spool file
        UUID account = account(Dsp.DV360, "1000002");
        SourceRequest request = request(account, FROM, FROM.plusDays(1));
        DspReportSource source = source();

        Source.Delivery delivery = source.fetch(request);
        List<Path> files = spooled();
        assertThat(files).hasSize(1);
        long size = Files.size(files.getFirst());
        long rows = 0;
        long bytes = 0;
        try (delivery; InputStream in = delivery.open(delivery.objects().getFirst())) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                bytes += n;
                for (int i = 0; i < n; i++) {
                    rows += buffer[i] == '\n' ? 1 : 0;
                }
            }
        }
        assertThat(bytes).as("the stream is the spooled file").isEqualTo(size);
        assertThat(rows).isEqualTo(1 + 20_000);
        assertThat(spooled()).isEmpty();
    }

    @Test
    void aFailedReportJobIsTransientAndLeavesNoSpoolFile() throws IOException {
        UUID account = account(Dsp.TTD, small(Dsp.TTD));
        simulator.simulation().faults().arm("ttd", small(Dsp.TTD), new Fault(Fault.Type.FAILED_REPORT, 1, 0, 0));
        SourceRequest request = request(account, FROM, TO);
        DspReportSource source = source();

        assertThatThrownBy(() -> source.fetch(request))
                .isInstanceOf(TransientSourceException.class).hasMessageContaining(account.toString());
        assertThat(spooled()).isEmpty();
    }

    @Test
    void expiredDelegatedAccessIsTransientAndNoTokenIsRenewed() throws IOException {
        UUID account = account(Dsp.GOOGLE_ADS, small(Dsp.GOOGLE_ADS));
        SourceRequest request = request(account, FROM, TO);
        DspReportSource source = source();
        tamper = a -> new DspAccess(a.dsp(), a.externalAccountId(), a.credentials(), Instant.now().minusSeconds(1),
                a.accountTimezone(), a.currency());
        simulator.simulation().log().clear();

        assertThatThrownBy(() -> source.fetch(request))
                .isInstanceOf(TransientSourceException.class).hasMessageContaining("newly delegated access");
        assertThat(simulator.simulation().log().of("google_ads", null)).isEmpty();
        assertThat(spooled()).isEmpty();
    }

    @Test
    void anAccountTheDspRefusesIsPermanent() throws IOException {
        UUID account = account(Dsp.DV360, small(Dsp.DV360));
        SourceRequest request = request(account, FROM, TO);
        DspReportSource source = source();
        // access delegated for one advertiser, used for one the credentials cannot see
        tamper = a -> new DspAccess(a.dsp(), "1000099", a.credentials(), a.expiresAt(), a.accountTimezone(), a.currency());

        assertThatThrownBy(() -> source.fetch(request)).isInstanceOf(PermanentSourceException.class)
                .isNotInstanceOf(TransientSourceException.class);
        assertThat(spooled()).isEmpty();
    }

    @Test
    void accessCarryingALongLivedSecretIsRefusedWithoutShowingIt() throws IOException {
        UUID account = account(Dsp.DV360, small(Dsp.DV360));
        SourceRequest request = request(account, FROM, TO);
        DspReportSource source = source();
        tamper = a -> {
            Map<String, String> leaked = new HashMap<>(a.credentials());
            leaked.put("refresh_token", Catalog.REFRESH_TOKEN);
            return new DspAccess(a.dsp(), a.externalAccountId(), leaked, a.expiresAt(), a.accountTimezone(), a.currency());
        };

        assertThatThrownBy(() -> source.fetch(request)).isInstanceOf(PermanentSourceException.class)
                .hasMessageContaining("refresh_token").hasMessageNotContaining(Catalog.REFRESH_TOKEN);
    }

    @Test
    void anAccountOfAnUnknownDspIsPermanent() throws IOException {
        UUID account = account(Dsp.META, small(Dsp.META));
        SourceRequest request = request(account, FROM, TO);
        DspReportSource source = source();
        tamper = a -> new DspAccess("myspace", a.externalAccountId(), a.credentials(), a.expiresAt(), a.accountTimezone(), a.currency());

        assertThatThrownBy(() -> source.fetch(request)).isInstanceOf(PermanentSourceException.class)
                .hasMessageContaining("myspace");
    }
}
