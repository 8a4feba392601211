package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An organization's profile changed; {@code changed} names the fields. Topic {@code clp.events.organization}. */
public record OrganizationUpdated(
        UUID id,
        String name,
        String slug,
        String status,
        String plan,
        BigDecimal monthlyBudget,
        String currency,
        List<String> changed,
        Instant updatedAt,
        Long version) implements OrganizationEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.ORGANIZATION, "updated", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
