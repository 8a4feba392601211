package io.clp.events.campaign;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.Instant;
import java.util.UUID;

/** An organization deleted a DSP account; its campaigns stay in CLP, no longer tied to an account. The payload is its last state. */
public record DspAccountDeleted(
        UUID id,
        UUID organizationId,
        String dspType,
        String externalAccountId,
        String displayName,
        String accountTimezone,
        String currency,
        boolean active,
        DspAccountRateLimit rateLimit,
        Integer syncIntervalMinutes,
        Instant updatedAt) implements DspAccountEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.DSP_ACCOUNT, "deleted", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
