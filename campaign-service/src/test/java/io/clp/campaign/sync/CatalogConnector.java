package io.clp.campaign.sync;

import io.clp.dsp.AccountInfo;
import io.clp.dsp.AccountRef;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspConnector;
import io.clp.dsp.DspEntity;
import io.clp.dsp.DspException;
import io.clp.dsp.EntityLevel;
import io.clp.dsp.EntityStatus;
import io.clp.dsp.HierarchyPage;
import io.clp.dsp.ListRequest;
import io.clp.dsp.Money;
import io.clp.dsp.ReportRow;
import io.clp.dspsim.Fault;
import io.clp.dspsim.SimAccount;
import io.clp.dspsim.SimEntity;
import io.clp.dspsim.Simulation;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * TEST ONLY, until the DSP connectors' listing lands: lists an in-process simulator's account straight from its
 * catalogue (offset page tokens), as a connector would after its HTTP calls. A full listing hides removed objects (the
 * sync finds them by their absence), an incremental one reports them REMOVED. An armed THROTTLE fault stands for a 429
 * storm longer than the connector's retries: each call it is armed for fails with {@link DspException.RateLimited}.
 */
final class CatalogConnector implements DspConnector {

    static volatile int pageSize = 200;
    /** Every request made, in order (a test reads where a run started reading). */
    static final List<ListRequest> REQUESTS = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Runs before each call: a test arms a fault mid-run with it. */
    static volatile Runnable beforeCall = () -> { };

    private final Dsp dsp;
    private final Simulation simulation;

    CatalogConnector(Dsp dsp, Simulation simulation) {
        this.dsp = dsp;
        this.simulation = simulation;
    }

    @Override
    public Dsp dsp() {
        return dsp;
    }

    @Override
    public Set<String> credentialNames() {
        return Set.of();
    }

    @Override
    public AccountInfo connect(AccountRef account) {
        throw new UnsupportedOperationException();
    }

    @Override
    public HierarchyPage list(AccountRef ref, ListRequest request) {
        REQUESTS.add(request);
        beforeCall.run();
        if (simulation.faults().take(dsp.label(), ref.externalAccountId(), Fault.Type.THROTTLE).isPresent()) {
            throw new DspException.RateLimited("the DSP kept throttling after every retry", null);
        }
        SimAccount account = simulation.catalog().account(dsp.label(), ref.externalAccountId()).orElseThrow(
                () -> new DspException.Rejected(404, "no such account"));
        List<SimEntity> all = account.entities(request.level().ordinal());
        int from = request.pageToken() == null ? 0 : Integer.parseInt(request.pageToken());
        List<DspEntity> page = new ArrayList<>();
        int k = from;
        for (; k < all.size() && page.size() < pageSize; k++) {
            SimEntity e = all.get(k);
            if (request.updatedSince() == null ? e.removed() : e.updatedAt().isBefore(request.updatedSince())) {
                continue;
            }
            page.add(entity(account, request.level(), e));
        }
        return new HierarchyPage(page, k < all.size() ? Integer.toString(k) : null);
    }

    static DspEntity entity(SimAccount account, EntityLevel level, SimEntity e) {
        Currency currency = Currency.getInstance(account.currency());
        return new DspEntity(level, e.id(), e.parentId(), e.name(), EntityStatus.valueOf(e.status()), e.status(),
                e.budget() == null ? null : Money.ofDecimal(e.budget().toPlainString(), currency), e.budgetType(),
                e.startDate(), e.endDate(), Map.of("period", e.pacingPeriod(), "type", e.pacingType()), e.labels(),
                account.id(), account.name(), e.updatedAt(), Map.of());
    }

    @Override
    public void dailyReport(AccountRef account, LocalDate from, LocalDate to, Consumer<ReportRow> rows) {
        throw new UnsupportedOperationException();
    }
}
