package io.clp.campaign.account;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.dsp.DspCredentials;
import io.clp.platform.crypto.EnvelopeCipher;
import io.clp.platform.crypto.EnvelopeException;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.UUID;

/** Seals an account's credentials for {@link DspAccountCredentials} and opens them again, bound to the account's row. */
// built at start: a service that keeps credentials must not run without its key (clp.crypto.*)
@Startup
@ApplicationScoped
public class CredentialsCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EnvelopeCipher cipher;

    CredentialsCodec(EnvelopeCipher cipher) {
        this.cipher = cipher;
    }

    String activeKeyId() {
        return cipher.activeKeyId();
    }

    byte[] seal(UUID orgId, UUID accountId, DspCredentials credentials) {
        try {
            return cipher.encrypt(JSON.writeValueAsBytes(credentials.asMap()), DspAccountCredentials.associatedData(orgId, accountId));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("credentials could not be written");
        }
    }

    DspCredentials open(DspAccountCredentials row) {
        byte[] json = cipher.decrypt(row.encrypted, DspAccountCredentials.associatedData(row.orgId, row.accountId));
        try {
            return new DspCredentials(JSON.readValue(json, new TypeReference<Map<String, String>>() {
            }));
        } catch (java.io.IOException e) {
            throw new EnvelopeException("the decrypted credentials of account " + row.accountId + " are not readable");
        } finally {
            java.util.Arrays.fill(json, (byte) 0);
        }
    }
}
