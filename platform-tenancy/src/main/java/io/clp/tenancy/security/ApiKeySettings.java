package io.clp.tenancy.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How services cache the tokens they exchange API keys for ({@code clp.api-keys.*}, see {@link ApiKeyExchange}). */
@ConfigMapping(prefix = "clp.api-keys")
public interface ApiKeySettings {

    /** How long a key's token is reused (never past the key's expiry): the bound on a revoked key working on. */
    @WithDefault("30s")
    Duration cacheTtl();

    /** How long a refused key stays refused without asking Keycloak again (a flood of bad keys costs one call each per period). */
    @WithDefault("5s")
    Duration refusalTtl();

    @WithDefault("10000")
    long cacheSize();
}
