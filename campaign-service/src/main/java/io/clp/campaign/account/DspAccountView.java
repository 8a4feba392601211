package io.clp.campaign.account;

import java.time.Instant;
import java.util.UUID;

/** A DSP account as the API shows it: never its credentials, not even masked. */
public record DspAccountView(UUID id, String dspType, String externalAccountId, String displayName, boolean active,
                             String accountTimezone, String currency, AccountRateLimit rateLimit, Integer syncIntervalMinutes,
                             Instant lastSyncAt, String lastSyncStatus, String syncError, Instant createdAt, Instant updatedAt) {

    static DspAccountView of(DspAccount a) {
        return new DspAccountView(a.id, a.dspType.name(), a.externalAccountId, a.displayName, a.active, a.accountTimezone,
                a.currency, a.rateLimit, a.syncIntervalMinutes, a.lastSyncAt, a.lastSyncStatus, a.syncError, a.createdAt,
                a.updatedAt);
    }
}
