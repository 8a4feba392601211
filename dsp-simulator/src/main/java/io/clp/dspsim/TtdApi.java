package io.clp.dspsim;

import java.io.IOException;
import java.util.Map;

/** Not simulated yet: every call answers 501. */
final class TtdApi implements DspApi {

    private final Simulation simulation;

    TtdApi(Simulation simulation) {
        this.simulation = simulation;
    }

    @Override
    public String prefix() {
        return "/ttd";
    }

    @Override
    public void handle(SimExchange exchange) throws IOException {
        exchange.json(501, Map.of("error", "not simulated"));
    }
}
