package io.clp.platform.crypto;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the service's {@link EnvelopeCipher} from {@link CryptoSettings}; fails with a clear message when a key is missing or malformed. */
@ApplicationScoped
public class EnvelopeCiphers {

    @Produces
    @Singleton
    EnvelopeCipher cipher(CryptoSettings settings) {
        return of(settings);
    }

    static EnvelopeCipher of(CryptoSettings settings) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        settings.keys().forEach((id, encoded) -> {
            try {
                keys.put(id, Base64.getDecoder().decode(encoded.strip()));
            } catch (IllegalArgumentException e) {
                throw new EnvelopeException("encryption key '" + id + "' is not base64 (clp.crypto.keys)");
            }
        });
        try {
            return new EnvelopeCipher(settings.activeKeyId().orElse(null), keys);
        } finally {
            // the cipher keeps its own copies; the decoded key bytes are not left on the heap
            keys.values().forEach(bytes -> Arrays.fill(bytes, (byte) 0));
        }
    }
}
