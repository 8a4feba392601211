package io.clp.identity.keycloak;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How identity-service reaches and mirrors into Keycloak ({@code clp.keycloak.*}). */
@ConfigMapping(prefix = "clp.keycloak")
public interface KeycloakConfig {

    /** The realm CLP's users, organizations and API key clients live in. */
    String realm();

    /** Entries per page when reading a Keycloak admin listing. */
    @WithDefault("500")
    int pageSize();

    /** How often the reconciler compares Keycloak with identity's tables (a duration, or {@code off}); read by its schedule. */
    String reconcileEvery();
}
