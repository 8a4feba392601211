package io.clp.dspsim;

import java.io.IOException;

/**
 * Google's OAuth 2.0 token endpoint ({@code https://oauth2.googleapis.com/token}), base URL {@code /google-oauth}:
 * {@code POST /google-oauth/token}. Its tokens (recorded as issuer {@code google}) work for DV360, Bid Manager and
 * Google Ads.
 */
final class GoogleOAuthApi implements DspApi {

    private final Simulation simulation;

    GoogleOAuthApi(Simulation simulation) {
        this.simulation = simulation;
    }

    @Override
    public String prefix() {
        return "/google-oauth";
    }

    @Override
    public void handle(SimExchange exchange) throws IOException {
        if (exchange.path().equals("/token")) {
            OAuthTokenEndpoint.refresh(simulation, exchange, "google", "ya29.");
        }
    }
}
