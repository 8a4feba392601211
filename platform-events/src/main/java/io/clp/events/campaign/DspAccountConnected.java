package io.clp.events.campaign;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.Instant;
import java.util.UUID;

/** An organization connected a DSP account: the DSP accepted its credentials and CLP saved it. */
public record DspAccountConnected(
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

    public static final String TYPE = DomainEvent.type(AggregateTypes.DSP_ACCOUNT, "connected", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
