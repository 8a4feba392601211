package io.clp.identity.keycloak;

import jakarta.ws.rs.WebApplicationException;

/** The HTTP status a Keycloak admin call failed with, for the answers a write may expect (409 exists, 404 gone). */
final class KeycloakStatus {

    private KeycloakStatus() {
    }

    /** The status of {@code e}, or -1 when it is not an HTTP answer (connection refused, timeout). */
    static int of(Throwable e) {
        return e instanceof WebApplicationException w ? w.getResponse().getStatus() : -1;
    }
}
