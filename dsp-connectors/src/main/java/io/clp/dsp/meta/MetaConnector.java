package io.clp.dsp.meta;

import io.clp.dsp.AccountInfo;
import io.clp.dsp.AccountRef;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspConnector;
import io.clp.dsp.DspEndpoints;
import io.clp.dsp.HierarchyPage;
import io.clp.dsp.ListRequest;
import io.clp.dsp.ReportRow;
import io.clp.dsp.http.DspHttp;

import java.time.LocalDate;
import java.util.Set;
import java.util.function.Consumer;

/** Not implemented yet. */
public final class MetaConnector implements DspConnector {

    private final DspHttp http;
    private final DspEndpoints endpoints;

    public MetaConnector(DspHttp http, DspEndpoints endpoints) {
        this.http = http;
        this.endpoints = endpoints;
    }

    @Override
    public Dsp dsp() {
        return Dsp.META;
    }

    @Override
    public Set<String> credentialNames() {
        throw new UnsupportedOperationException("not implemented");
    }

    @Override
    public AccountInfo connect(AccountRef account) {
        throw new UnsupportedOperationException("not implemented");
    }

    @Override
    public HierarchyPage list(AccountRef account, ListRequest request) {
        throw new UnsupportedOperationException("not implemented");
    }

    @Override
    public void dailyReport(AccountRef account, LocalDate from, LocalDate to, Consumer<ReportRow> rows) {
        throw new UnsupportedOperationException("not implemented");
    }
}
