package io.clp.events.campaign;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A DSP account changed: renamed, disabled or enabled again, its rate limit or sync interval changed, or its
 * credentials replaced. {@code changedFields} names the fields whose values changed ({@code displayName}, {@code active},
 * {@code rateLimit}, {@code syncIntervalMinutes}, and {@code accountTimezone} or {@code currency} when the DSP reports
 * new ones on new credentials); {@code credentialsRotated} says the credentials were replaced, never what they are.
 */
public record DspAccountUpdated(
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
        List<String> changedFields,
        boolean credentialsRotated,
        Instant updatedAt) implements DspAccountEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.DSP_ACCOUNT, "updated", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
