package io.clp.campaign.account;

import io.clp.events.campaign.DspAccountConnected;
import io.clp.events.campaign.DspAccountDeleted;
import io.clp.events.campaign.DspAccountRateLimit;
import io.clp.events.campaign.DspAccountUpdated;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The events of an account's lifecycle, built from its row only: the row maps neither its credentials nor the DSP's
 * raw answers, and the last sync's status and error stay out too (the error is free text).
 */
final class DspAccountEvents {

    private DspAccountEvents() {
    }

    static DspAccountConnected connected(DspAccount a) {
        return new DspAccountConnected(a.id, a.orgId, a.dspType.name(), a.externalAccountId, a.displayName, a.accountTimezone,
                a.currency, a.active, rateLimit(a.rateLimit), a.syncIntervalMinutes, a.updatedAt);
    }

    /** The update {@code after} made to the account as {@code before} saw it; empty when nothing changed. */
    static Optional<DspAccountUpdated> updated(Snapshot before, DspAccount after, boolean credentialsRotated) {
        List<String> changed = before.changedFields(Snapshot.of(after));
        if (changed.isEmpty() && !credentialsRotated) {
            return Optional.empty();
        }
        return Optional.of(new DspAccountUpdated(after.id, after.orgId, after.dspType.name(), after.externalAccountId,
                after.displayName, after.accountTimezone, after.currency, after.active, rateLimit(after.rateLimit),
                after.syncIntervalMinutes, changed, credentialsRotated, after.updatedAt));
    }

    static DspAccountDeleted deleted(DspAccount a, Instant deletedAt) {
        return new DspAccountDeleted(a.id, a.orgId, a.dspType.name(), a.externalAccountId, a.displayName, a.accountTimezone,
                a.currency, a.active, rateLimit(a.rateLimit), a.syncIntervalMinutes, deletedAt);
    }

    private static DspAccountRateLimit rateLimit(AccountRateLimit limit) {
        return limit == null ? null : new DspAccountRateLimit(limit.requestsPerSecond(), limit.maxRetries(), limit.maxWaitSeconds());
    }

    /** The fields of an account an update event reports, as they were before the change. */
    record Snapshot(String displayName, boolean active, AccountRateLimit rateLimit, Integer syncIntervalMinutes,
                    String accountTimezone, String currency) {

        static Snapshot of(DspAccount a) {
            return new Snapshot(a.displayName, a.active, a.rateLimit, a.syncIntervalMinutes, a.accountTimezone, a.currency);
        }

        /** The names (as the event and the API spell them) of the fields that differ in {@code now}. */
        List<String> changedFields(Snapshot now) {
            List<String> changed = new ArrayList<>();
            if (!Objects.equals(displayName, now.displayName)) {
                changed.add("displayName");
            }
            if (active != now.active) {
                changed.add("active");
            }
            if (!Objects.equals(rateLimit, now.rateLimit)) {
                changed.add("rateLimit");
            }
            if (!Objects.equals(syncIntervalMinutes, now.syncIntervalMinutes)) {
                changed.add("syncIntervalMinutes");
            }
            if (!Objects.equals(accountTimezone, now.accountTimezone)) {
                changed.add("accountTimezone");
            }
            if (!Objects.equals(currency, now.currency)) {
                changed.add("currency");
            }
            return changed;
        }
    }
}
