package io.clp.dsp;

import io.clp.dsp.http.DspHttp;
import io.clp.dspsim.DspSimulator;
import io.clp.dspsim.Fault;
import io.clp.dspsim.RequestLog;
import io.clp.dspsim.SimAccount;
import io.clp.dspsim.SimEntity;
import io.clp.dspsim.Simulation;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DSP simulator a connector test talks to. Registered on a static field, one simulator serves the whole class and
 * every test starts with no armed faults and an empty request log; registered on an instance field, every test gets a
 * simulator of its own, for tests that rename or remove simulated entities.
 */
public final class SimulatorFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    /** The simulator's catalogue and delivery are drawn from this seed; the expected values in the tests assume it. */
    static final long SEED = 42;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final Map<String, String> properties = new LinkedHashMap<>();
    private DspSimulator simulator;
    private boolean perTest;

    /** A system property the simulator reads when it starts; it is set for the simulator's lifetime only. */
    public SimulatorFixture withProperty(String name, String value) {
        properties.put(name, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (simulator == null) {
            perTest = true;
            start();
        } else {
            simulation().faults().clear();
            simulation().log().clear();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stop();
        }
    }

    private void start() {
        properties.forEach(System::setProperty);
        simulator = DspSimulator.start("127.0.0.1", 0, SEED);
    }

    private void stop() {
        try {
            simulator.close();
        } finally {
            simulator = null;
            properties.keySet().forEach(System::clearProperty);
        }
    }

    public Simulation simulation() {
        return simulator.simulation();
    }

    public String baseUrl(String prefix) {
        return simulator.baseUrl(prefix);
    }

    public DspEndpoints endpoints() {
        return DspEndpoints.simulator(simulator.baseUrl(""));
    }

    /** A connector wired to this simulator over a fresh {@link DspHttp} with the given request timeout. */
    public <C> C connector(BiFunction<DspHttp, DspEndpoints, C> wiring, Duration requestTimeout) {
        return wiring.apply(DspHttp.create(CONNECT_TIMEOUT, requestTimeout), endpoints());
    }

    public SimAccount account(String dsp, String id) {
        return simulation().catalog().account(dsp, id).orElseThrow();
    }

    public void arm(String dsp, String account, Fault.Type type, int count, int retryAfterSeconds) {
        simulation().faults().arm(dsp, account, new Fault(type, count, retryAfterSeconds, 0));
    }

    /** The account's next call hangs this long before the simulator answers 504. */
    public void hangOnce(String dsp, String account, long millis) {
        simulation().faults().arm(dsp, account, new Fault(Fault.Type.TIMEOUT, 1, 0, millis));
    }

    public List<RequestLog.Entry> log(String dsp, String account) {
        return simulation().log().of(dsp, account);
    }

    public List<Integer> statuses(String dsp, String account) {
        return log(dsp, account).stream().map(RequestLog.Entry::status).toList();
    }

    public void clearLog() {
        simulation().log().clear();
    }

    /** Every entity of a level, following the connector's pages to the last. */
    public static List<DspEntity> listAll(DspConnector connector, AccountRef account, EntityLevel level, Instant updatedSince) {
        List<DspEntity> all = new ArrayList<>();
        ListRequest request = ListRequest.first(level, updatedSince);
        while (true) {
            HierarchyPage page = connector.list(account, request);
            all.addAll(page.entities());
            if (page.last()) {
                return all;
            }
            request = request.next(page.nextPageToken());
        }
    }

    /**
     * The call that retried the first one answered with {@code status}: it must follow at once, ask for the same path
     * and come no sooner than {@code wait} after it.
     */
    public static RequestLog.Entry retryOf(List<RequestLog.Entry> calls, int status, Duration wait) {
        int refused = calls.stream().map(RequestLog.Entry::status).toList().indexOf(status);
        assertThat(refused).as("a call answered %d", status).isNotNegative();
        assertThat(calls).as("a call after the one answered %d", status).hasSizeGreaterThan(refused + 1);
        RequestLog.Entry retry = calls.get(refused + 1);
        assertThat(retry.path()).isEqualTo(calls.get(refused).path());
        assertThat(Duration.between(calls.get(refused).at(), retry.at())).isGreaterThanOrEqualTo(wait);
        return retry;
    }

    /** A daily line-item report in USD: one row per simulated line item and day, each equal to the simulated delivery. */
    public static void assertRowsEqualDelivery(List<ReportRow> rows, SimAccount sim, int days) {
        assertThat(rows).hasSize((int) sim.count(SimEntity.LINE_ITEM) * days);
        for (ReportRow row : rows) {
            SimEntity li = sim.byId(SimEntity.LINE_ITEM, row.externalId());
            SimAccount.Delivery d = sim.delivery(SimEntity.LINE_ITEM, li.index(), row.date());
            assertThat(row.level()).isEqualTo(EntityLevel.LINE_ITEM);
            assertThat(row.impressions()).isEqualTo(d.impressions());
            assertThat(row.clicks()).isEqualTo(d.clicks());
            assertThat(row.conversions()).isEqualByComparingTo(BigDecimal.valueOf(d.conversions()));
            assertThat(row.views()).isEqualTo(d.views());
            assertThat(row.spend().amount()).isEqualByComparingTo(d.spend());
            assertThat(row.revenue().amount()).isEqualByComparingTo(d.revenue());
            assertThat(row.spend().currency().getCurrencyCode()).isEqualTo("USD");
        }
    }
}
