package io.clp.dspsim;

import java.io.IOException;
import java.util.Map;

/** Not simulated yet: every call answers 501. */
final class BidManagerApi implements DspApi {

    private final Simulation simulation;

    BidManagerApi(Simulation simulation) {
        this.simulation = simulation;
    }

    @Override
    public String prefix() {
        return "/bidmanager";
    }

    @Override
    public void handle(SimExchange exchange) throws IOException {
        exchange.json(501, Map.of("error", "not simulated"));
    }
}
