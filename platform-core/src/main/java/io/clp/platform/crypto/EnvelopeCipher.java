package io.clp.platform.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * AES-256-GCM envelope encryption of small secrets kept in a database row. Each value gets a fresh data key;
 * the data key is wrapped by a key-encryption key from configuration, named in the blob by its key id, so keys
 * rotate: new values use the active key, old values decrypt with the key they name, and {@link #rewrap} moves a
 * value to the active key without touching its ciphertext. The caller's associated data (for example
 * {@code "campaign.dsp_accounts:<orgId>:<accountId>"}) binds a blob to its row: copied elsewhere it does not decrypt.
 * <p>
 * Format, version 1: {@code 0x01 | keyIdLength (1 byte) | keyId (UTF-8) | wrapIv (12) | wrappedDataKey (32 + 16)
 * | dataIv (12) | ciphertext + tag (16)}. The wrapped data key is authenticated with the version, key id and the
 * associated data; the ciphertext with the version and the associated data (not the key id, so a rewrap leaves
 * it as is). The JDK's JCA does the cryptography; keys never appear in messages or {@link #toString()}.
 */
public final class EnvelopeCipher {

    static final byte VERSION = 1;
    private static final String AES_GCM = "AES/GCM/NoPadding";
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int WRAPPED_KEY_BYTES = KEY_BYTES + TAG_BITS / 8;

    private final SecureRandom random = new SecureRandom();
    private final String activeKeyId;
    private final Map<String, SecretKey> keys;

    /**
     * @param activeKeyId the key new values are encrypted under; must be one of {@code keys}
     * @param keys        key id to its 32 raw key bytes
     */
    public EnvelopeCipher(String activeKeyId, Map<String, byte[]> keys) {
        if (activeKeyId == null || activeKeyId.isBlank()) {
            throw new EnvelopeException("no active encryption key id is configured (clp.crypto.active-key-id)");
        }
        TreeMap<String, SecretKey> ring = new TreeMap<>();
        keys.forEach((id, bytes) -> {
            if (id.isEmpty() || id.getBytes(StandardCharsets.UTF_8).length > 255) {
                throw new EnvelopeException("an encryption key id must have 1 to 255 bytes");
            }
            if (bytes == null || bytes.length != KEY_BYTES) {
                throw new EnvelopeException("encryption key '" + id + "' must be 32 bytes (AES-256)");
            }
            ring.put(id, new SecretKeySpec(bytes.clone(), "AES"));
        });
        if (!ring.containsKey(activeKeyId)) {
            throw new EnvelopeException("the active encryption key '" + activeKeyId + "' is not configured (clp.crypto.keys)");
        }
        this.activeKeyId = activeKeyId;
        this.keys = Map.copyOf(ring);
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    /** The plaintext encrypted under a fresh data key wrapped by the active key, bound to {@code associatedData}. */
    public byte[] encrypt(byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(associatedData, "associatedData");
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(KEY_BYTES * 8, random);
            SecretKey dataKey = generator.generateKey();
            byte[] dataIv = iv();
            byte[] ciphertext = gcm(Cipher.ENCRYPT_MODE, dataKey, dataIv, dataAad(associatedData)).doFinal(plaintext);
            byte[] rawKey = dataKey.getEncoded();
            try {
                return assemble(activeKeyId, rawKey, associatedData, dataIv, ciphertext);
            } finally {
                // the plaintext data key lives no longer than it takes to wrap it
                Arrays.fill(rawKey, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new EnvelopeException("encryption failed: " + e.getClass().getSimpleName());
        }
    }

    /** The plaintext of a blob, or an {@link EnvelopeException} when its key is unknown or it was altered or moved. */
    public byte[] decrypt(byte[] blob, byte[] associatedData) {
        Parsed parsed = parse(blob);
        byte[] dataKey = unwrap(parsed, associatedData);
        try {
            return gcm(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), parsed.dataIv, dataAad(associatedData))
                    .doFinal(parsed.ciphertext);
        } catch (AEADBadTagException e) {
            throw new EnvelopeException("the encrypted value does not authenticate (altered, or not this row's value)");
        } catch (GeneralSecurityException e) {
            throw new EnvelopeException("decryption failed: " + e.getClass().getSimpleName());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** The id of the key a blob's data key is wrapped by. */
    public String keyId(byte[] blob) {
        return parse(blob).keyId;
    }

    /** Whether the blob is wrapped by the active key (false: {@link #rewrap} it). */
    public boolean isCurrent(byte[] blob) {
        return activeKeyId.equals(keyId(blob));
    }

    /**
     * The same value with its data key wrapped by the active key; the ciphertext is kept. Authenticates the blob
     * first, so a value that does not belong to {@code associatedData} is refused rather than rewrapped.
     */
    public byte[] rewrap(byte[] blob, byte[] associatedData) {
        Parsed parsed = parse(blob);
        byte[] dataKey = unwrap(parsed, associatedData);
        try {
            // proves the data key and associated data belong to this ciphertext before it is re-issued
            gcm(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), parsed.dataIv, dataAad(associatedData))
                    .doFinal(parsed.ciphertext);
            return assemble(activeKeyId, dataKey, associatedData, parsed.dataIv, parsed.ciphertext);
        } catch (AEADBadTagException e) {
            throw new EnvelopeException("the encrypted value does not authenticate (altered, or not this row's value)");
        } catch (GeneralSecurityException e) {
            throw new EnvelopeException("rewrap failed: " + e.getClass().getSimpleName());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "EnvelopeCipher[active=" + activeKeyId + ", keys=" + keys.keySet() + "]";
    }

    private byte[] assemble(String keyId, byte[] dataKey, byte[] associatedData, byte[] dataIv, byte[] ciphertext)
            throws GeneralSecurityException {
        byte[] header = header(keyId);
        byte[] wrapIv = iv();
        byte[] wrapped = gcm(Cipher.ENCRYPT_MODE, keys.get(keyId), wrapIv, wrapAad(header, associatedData)).doFinal(dataKey);
        return ByteBuffer.allocate(header.length + IV_BYTES + wrapped.length + IV_BYTES + ciphertext.length)
                .put(header).put(wrapIv).put(wrapped).put(dataIv).put(ciphertext).array();
    }

    private byte[] unwrap(Parsed parsed, byte[] associatedData) {
        Objects.requireNonNull(associatedData, "associatedData");
        SecretKey key = keys.get(parsed.keyId);
        if (key == null) {
            throw new EnvelopeException("the value is encrypted under key '" + parsed.keyId
                    + "', which is not configured (clp.crypto.keys); keep retired keys until every value is rewrapped");
        }
        try {
            return gcm(Cipher.DECRYPT_MODE, key, parsed.wrapIv, wrapAad(parsed.header, associatedData)).doFinal(parsed.wrappedKey);
        } catch (AEADBadTagException e) {
            throw new EnvelopeException("the encrypted value does not authenticate (altered, or not this row's value)");
        } catch (GeneralSecurityException e) {
            throw new EnvelopeException("decryption failed: " + e.getClass().getSimpleName());
        }
    }

    private static Parsed parse(byte[] blob) {
        Objects.requireNonNull(blob, "blob");
        if (blob.length < 2 || blob[0] != VERSION) {
            throw new EnvelopeException("unknown encrypted value format" + (blob.length == 0 ? "" : " version " + blob[0]));
        }
        int keyIdLength = Byte.toUnsignedInt(blob[1]);
        int minimum = 2 + keyIdLength + IV_BYTES + WRAPPED_KEY_BYTES + IV_BYTES + TAG_BITS / 8;
        if (keyIdLength == 0 || blob.length < minimum) {
            throw new EnvelopeException("the encrypted value is truncated");
        }
        ByteBuffer in = ByteBuffer.wrap(blob);
        byte[] header = new byte[2 + keyIdLength];
        in.get(header);
        byte[] wrapIv = new byte[IV_BYTES];
        byte[] wrappedKey = new byte[WRAPPED_KEY_BYTES];
        byte[] dataIv = new byte[IV_BYTES];
        in.get(wrapIv).get(wrappedKey).get(dataIv);
        byte[] ciphertext = new byte[in.remaining()];
        in.get(ciphertext);
        String keyId = new String(header, 2, keyIdLength, StandardCharsets.UTF_8);
        return new Parsed(header, keyId, wrapIv, wrappedKey, dataIv, ciphertext);
    }

    private static byte[] header(String keyId) {
        byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + id.length).put(VERSION).put((byte) id.length).put(id).array();
    }

    private static byte[] wrapAad(byte[] header, byte[] associatedData) {
        return ByteBuffer.allocate(header.length + associatedData.length).put(header).put(associatedData).array();
    }

    private static byte[] dataAad(byte[] associatedData) {
        return ByteBuffer.allocate(1 + associatedData.length).put(VERSION).put(associatedData).array();
    }

    private byte[] iv() {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        return iv;
    }

    private static Cipher gcm(int mode, SecretKey key, byte[] iv, byte[] aad) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(AES_GCM);
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(aad);
        return cipher;
    }

    private record Parsed(byte[] header, String keyId, byte[] wrapIv, byte[] wrappedKey, byte[] dataIv, byte[] ciphertext) {
    }
}
