package io.clp.identity.keycloak;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every write call (any method but GET) identity-service makes to Keycloak's admin API. */
public class KeycloakWrites implements ClientRequestFilter {

    static final List<String> CALLS = new CopyOnWriteArrayList<>();

    @Override
    public void filter(ClientRequestContext request) {
        if (!"GET".equals(request.getMethod())) {
            CALLS.add(request.getMethod() + " " + request.getUri().getPath());
        }
    }

    static void reset() {
        CALLS.clear();
    }

    static List<String> since() {
        return List.copyOf(CALLS);
    }
}
