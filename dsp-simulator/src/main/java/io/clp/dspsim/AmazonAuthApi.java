package io.clp.dspsim;

import java.io.IOException;

/**
 * Login with Amazon ({@code https://api.amazon.com/auth/o2/token}), base URL {@code /amazon-auth}:
 * {@code POST /amazon-auth/auth/o2/token}. Tokens are recorded as issuer {@code amazon}, prefixed {@code Atza|}.
 */
final class AmazonAuthApi implements DspApi {

    private final Simulation simulation;

    AmazonAuthApi(Simulation simulation) {
        this.simulation = simulation;
    }

    @Override
    public String prefix() {
        return "/amazon-auth";
    }

    @Override
    public void handle(SimExchange exchange) throws IOException {
        if (exchange.path().equals("/auth/o2/token")) {
            OAuthTokenEndpoint.refresh(simulation, exchange, "amazon", "Atza|");
        }
    }
}
