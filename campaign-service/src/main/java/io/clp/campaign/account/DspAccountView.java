package io.clp.campaign.account;

import java.time.Instant;
import java.util.UUID;

/** A DSP account as the API shows it: never its credentials. */
public record DspAccountView(UUID id, String dspType, String externalAccountId, String displayName, boolean active,
                             String accountTimezone, String currency, Instant lastSyncAt, String lastSyncStatus,
                             Instant createdAt, Instant updatedAt) {

    static DspAccountView of(DspAccount a) {
        return new DspAccountView(a.id, a.dspType.name(), a.externalAccountId, a.displayName, a.active, a.accountTimezone,
                a.currency, a.lastSyncAt, a.lastSyncStatus, a.createdAt, a.updatedAt);
    }
}
