package io.clp.platform.crypto;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvelopeCipherTest {

    private static final byte[] ROW = "campaign.dsp_accounts:org-1:account-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SECRET = "refresh-token-s3cr3t-value".getBytes(StandardCharsets.UTF_8);

    private final byte[] oldKey = key();
    private final byte[] newKey = key();

    @Test
    void aValueRoundTripsAndItsBlobHidesThePlaintext() {
        EnvelopeCipher cipher = new EnvelopeCipher("k1", Map.of("k1", oldKey));
        byte[] blob = cipher.encrypt(SECRET, ROW);

        assertThat(cipher.decrypt(blob, ROW)).isEqualTo(SECRET);
        assertThat(cipher.keyId(blob)).isEqualTo("k1");
        assertThat(new String(blob, StandardCharsets.ISO_8859_1)).doesNotContain("s3cr3t");
        assertThat(cipher.encrypt(SECRET, ROW)).as("a fresh data key and IV each time").isNotEqualTo(blob);
    }

    @Test
    void aBlobCopiedToAnotherRowDoesNotDecrypt() {
        EnvelopeCipher cipher = new EnvelopeCipher("k1", Map.of("k1", oldKey));
        byte[] blob = cipher.encrypt(SECRET, ROW);

        byte[] otherRow = "campaign.dsp_accounts:org-1:account-2".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> cipher.decrypt(blob, otherRow))
                .isInstanceOf(EnvelopeException.class).hasMessageContaining("does not authenticate");
        assertThatThrownBy(() -> cipher.rewrap(blob, otherRow)).isInstanceOf(EnvelopeException.class);
    }

    @Test
    void anyTamperedByteFailsToDecrypt() {
        EnvelopeCipher cipher = new EnvelopeCipher("k1", Map.of("k1", oldKey));
        byte[] blob = cipher.encrypt(SECRET, ROW);
        // every byte after the header: wrap IV, wrapped key, data IV, ciphertext and tag
        for (int i = 2 + "k1".length(); i < blob.length; i++) {
            byte[] tampered = blob.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> cipher.decrypt(tampered, ROW)).as("byte " + i).isInstanceOf(EnvelopeException.class);
        }
    }

    @Test
    void aValueWrittenUnderAnOldKeyDecryptsAfterRotationAndRewrapsUnderTheNewKey() {
        byte[] blob = new EnvelopeCipher("k1", Map.of("k1", oldKey)).encrypt(SECRET, ROW);
        EnvelopeCipher rotated = new EnvelopeCipher("k2", Map.of("k1", oldKey, "k2", newKey));

        assertThat(rotated.decrypt(blob, ROW)).isEqualTo(SECRET);
        assertThat(rotated.isCurrent(blob)).isFalse();
        assertThat(rotated.keyId(rotated.encrypt(SECRET, ROW))).isEqualTo("k2");

        byte[] rewrapped = rotated.rewrap(blob, ROW);
        assertThat(rotated.keyId(rewrapped)).isEqualTo("k2");
        EnvelopeCipher retired = new EnvelopeCipher("k2", Map.of("k2", newKey));
        assertThat(retired.decrypt(rewrapped, ROW)).as("the old key is no longer needed").isEqualTo(SECRET);
    }

    @Test
    void anUnknownKeyIdFailsClosedNamingTheKey() {
        byte[] blob = new EnvelopeCipher("k1", Map.of("k1", oldKey)).encrypt(SECRET, ROW);
        EnvelopeCipher other = new EnvelopeCipher("k2", Map.of("k2", newKey));

        assertThatThrownBy(() -> other.decrypt(blob, ROW))
                .isInstanceOf(EnvelopeException.class)
                .hasMessageContaining("key 'k1'").hasMessageContaining("not configured");
    }

    @Test
    void anUnknownFormatVersionIsRefused() {
        EnvelopeCipher cipher = new EnvelopeCipher("k1", Map.of("k1", oldKey));
        byte[] blob = cipher.encrypt(SECRET, ROW);
        blob[0] = 9;
        assertThatThrownBy(() -> cipher.decrypt(blob, ROW)).hasMessageContaining("format version 9");
    }

    @Test
    void withoutAnActiveKeyTheCipherCannotBeBuiltAndNoKeyIsEverPrinted() {
        assertThatThrownBy(() -> EnvelopeCiphers.of(settings(Map.of())))
                .isInstanceOf(EnvelopeException.class).hasMessageContaining("clp.crypto.active-key-id");
        assertThatThrownBy(() -> EnvelopeCiphers.of(settings(Map.of("clp.crypto.active-key-id", "k1"))))
                .hasMessageContaining("'k1' is not configured");
        assertThatThrownBy(() -> new EnvelopeCipher("k1", Map.of("k1", new byte[16]))).hasMessageContaining("32 bytes");

        String encoded = Base64.getEncoder().encodeToString(oldKey);
        EnvelopeCipher cipher = EnvelopeCiphers.of(settings(Map.of("clp.crypto.active-key-id", "k1",
                "clp.crypto.keys.k1", encoded)));
        assertThat(cipher.decrypt(cipher.encrypt(SECRET, ROW), ROW)).isEqualTo(SECRET);
        assertThat(cipher.toString()).doesNotContain(encoded);
    }

    private static CryptoSettings settings(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new MapBackedConfigSource("test", properties) {
                })
                .withMapping(CryptoSettings.class)
                .build();
        return config.getConfigMapping(CryptoSettings.class);
    }

    private static byte[] key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    @Test
    void aCipherBuiltFromSettingsKeepsWorkingAfterItsDecodedKeyBytesAreWiped() {
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        EnvelopeCipher cipher = EnvelopeCiphers.of(new CryptoSettings() {
            @Override
            public java.util.Optional<String> activeKeyId() {
                return java.util.Optional.of("k1");
            }

            @Override
            public java.util.Map<String, String> keys() {
                return java.util.Map.of("k1", key);
            }
        });
        byte[] aad = "row".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] blob = cipher.encrypt("secret".getBytes(java.nio.charset.StandardCharsets.UTF_8), aad);
        org.assertj.core.api.Assertions.assertThat(new String(cipher.decrypt(blob, aad), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("secret");
    }
}
