package io.clp.platform.crypto;

import io.smallrye.config.ConfigMapping;

import java.util.Map;
import java.util.Optional;

/**
 * The key-encryption keys of {@link EnvelopeCipher} ({@code clp.crypto.*}). Secrets: set them from the
 * environment or a secret store, never in a committed file; there is no default key, so a service that encrypts
 * fails at start without one.
 */
@ConfigMapping(prefix = "clp.crypto")
public interface CryptoSettings {

    /** The key id new values are encrypted under. */
    Optional<String> activeKeyId();

    /** Key id to the base64 of 32 random bytes; keep a retired key until every value under it is rewrapped. */
    Map<String, String> keys();
}
