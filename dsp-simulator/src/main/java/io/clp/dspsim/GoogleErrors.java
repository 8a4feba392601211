package io.clp.dspsim;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Google's JSON error body ({@code google.rpc.Status} over REST): {@code {"error":{"code","message","status",
 * "details"?,"errors"?}}}, shared by DV360 and Bid Manager; and the checks and faults both APIs play before answering.
 */
final class GoogleErrors {

    static final String UNAUTHENTICATED_MESSAGE = "Request had invalid authentication credentials. Expected OAuth 2 access "
            + "token, login cookie or other valid authentication credential. "
            + "See https://developers.google.com/identity/sign-in/web/devconsole-project.";

    private GoogleErrors() {
    }

    static void send(SimExchange exchange, int code, String status, String message) throws IOException {
        send(exchange, code, status, message, null, null, Map.of());
    }

    static void send(SimExchange exchange, int code, String status, String message, List<Map<String, Object>> details,
                     List<Map<String, Object>> errors, Map<String, String> headers) throws IOException {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        if (errors != null) {
            error.put("errors", errors);
        }
        error.put("status", status);
        if (details != null) {
            error.put("details", details);
        }
        exchange.json(code, Map.of("error", error), headers);
    }

    /** 401 UNAUTHENTICATED unless the bearer token is a live token of Google's token endpoint; true when it is. */
    static boolean authenticated(Simulation simulation, SimExchange exchange) throws IOException {
        if (simulation.tokens().check("google", exchange.bearer().orElse(null)).isPresent()) {
            return true;
        }
        unauthenticated(exchange);
        return false;
    }

    static void unauthenticated(SimExchange exchange) throws IOException {
        send(exchange, 401, "UNAUTHENTICATED", UNAUTHENTICATED_MESSAGE, null,
                List.of(Map.of("message", "Invalid Credentials", "domain", "global", "reason", "authError",
                        "location", "Authorization", "locationType", "header")),
                Map.of("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\""));
    }

    /**
     * Plays an armed EXPIRED_TOKEN, SERVER_ERROR or TIMEOUT fault of this account (THROTTLE is each API's own shape);
     * true when the call was answered with one.
     */
    static boolean commonFault(Simulation simulation, SimExchange exchange, Optional<Fault> fault) throws IOException {
        if (fault.isEmpty()) {
            return false;
        }
        switch (fault.get().type()) {
            case EXPIRED_TOKEN -> {
                simulation.tokens().revokeAll("google");
                unauthenticated(exchange);
            }
            case SERVER_ERROR -> send(exchange, 503, "UNAVAILABLE", "The service is currently unavailable.");
            case TIMEOUT -> {
                fault.get().hang();
                send(exchange, 504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.");
            }
            default -> {
                return false;
            }
        }
        return true;
    }
}
