package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** An organization was created; its creator is its first admin. Topic {@code clp.events.organization}. */
public record OrganizationCreated(
        UUID id,
        String name,
        String slug,
        String status,
        String plan,
        BigDecimal monthlyBudget,
        String currency,
        UUID createdBy,
        Instant createdAt,
        Long version) implements OrganizationEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.ORGANIZATION, "created", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
