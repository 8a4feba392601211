package io.clp.campaign.account;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A DSP account's credentials, encrypted ({@code dsp_account_credentials}, kept out of change data capture).
 * Only {@link DspAccounts} writes it and {@link DspAccountConnections} decrypts it.
 */
@Entity
@Table(name = "dsp_account_credentials")
public class DspAccountCredentials extends PanacheEntityBase {

    @Id
    @Column(name = "account_id")
    public UUID accountId;

    @Column(name = "org_id", nullable = false)
    public UUID orgId;

    @Column(name = "key_id", nullable = false)
    public String keyId;

    @Column(name = "credentials_encrypted", nullable = false)
    public byte[] encrypted;

    /** The associated data that binds the encrypted credentials to their account's row. */
    static byte[] associatedData(UUID orgId, UUID accountId) {
        return ("campaign.dsp_accounts:" + orgId + ":" + accountId).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "DspAccountCredentials[" + accountId + ", key " + keyId + "]";
    }
}
