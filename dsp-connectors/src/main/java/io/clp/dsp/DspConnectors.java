package io.clp.dsp;

import io.clp.dsp.amazon.AmazonDspConnector;
import io.clp.dsp.dv360.Dv360Connector;
import io.clp.dsp.googleads.GoogleAdsConnector;
import io.clp.dsp.http.DspHttp;
import io.clp.dsp.meta.MetaConnector;
import io.clp.dsp.ttd.TtdConnector;

import java.util.EnumMap;
import java.util.Map;

/** The five connectors over one {@link DspHttp} (one rate limiter and token cache per account across them). */
public final class DspConnectors {

    private final Map<Dsp, DspConnector> connectors = new EnumMap<>(Dsp.class);

    public DspConnectors(DspHttp http, DspEndpoints endpoints) {
        add(new Dv360Connector(http, endpoints));
        add(new TtdConnector(http, endpoints));
        add(new MetaConnector(http, endpoints));
        add(new AmazonDspConnector(http, endpoints));
        add(new GoogleAdsConnector(http, endpoints));
    }

    private void add(DspConnector connector) {
        connectors.put(connector.dsp(), connector);
    }

    public DspConnector get(Dsp dsp) {
        return connectors.get(dsp);
    }
}
