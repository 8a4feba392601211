package io.clp.dspsim;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * An OAuth 2.0 token endpoint for the refresh-token grant (RFC 6749 section 6), as Google's
 * ({@code POST https://oauth2.googleapis.com/token}) and Login with Amazon's ({@code POST /auth/o2/token}) are:
 * form fields {@code grant_type=refresh_token}, {@code client_id}, {@code client_secret}, {@code refresh_token};
 * answers {@code {access_token, expires_in, token_type}} or 400/401 {@code {error, error_description}}.
 */
final class OAuthTokenEndpoint {

    /** Access tokens live an hour, as Google's and Amazon's do. */
    static final Duration LIFETIME = Duration.ofHours(1);

    private OAuthTokenEndpoint() {
    }

    /** @param tokenDsp the issuer name tokens are recorded under ({@code google} or {@code amazon}) */
    static void refresh(Simulation simulation, SimExchange exchange, String tokenDsp, String tokenPrefix) throws IOException {
        if (!exchange.method().equals("POST")) {
            exchange.json(405, Map.of("error", "invalid_request", "error_description", "POST only"));
            return;
        }
        Map<String, String> form = exchange.form();
        if (!"refresh_token".equals(form.get("grant_type"))) {
            exchange.json(400, Map.of("error", "unsupported_grant_type", "error_description", "Invalid grant_type"));
            return;
        }
        if (!Catalog.CLIENT_ID.equals(form.get("client_id")) || !Catalog.CLIENT_SECRET.equals(form.get("client_secret"))) {
            exchange.json(401, Map.of("error", "invalid_client", "error_description", "The OAuth client was not found."));
            return;
        }
        if (!Catalog.REFRESH_TOKEN.equals(form.get("refresh_token"))) {
            exchange.json(400, Map.of("error", "invalid_grant", "error_description", "Token has been expired or revoked."));
            return;
        }
        String token = simulation.tokens().issue(tokenDsp, form.get("client_id"), tokenPrefix, LIFETIME);
        exchange.json(200, Map.of("access_token", token, "expires_in", LIFETIME.toSeconds(), "token_type", "Bearer",
                "scope", "simulated"));
    }
}
