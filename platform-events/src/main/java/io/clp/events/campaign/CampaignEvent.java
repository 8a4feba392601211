package io.clp.events.campaign;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.util.UUID;

/**
 * A change of a campaign as the hierarchy sync found it at its DSP. Topic {@code clp.events.campaign}, keyed by the
 * campaign's id. Only campaigns emit these: insertion orders, line items and creatives change far more often and no
 * consumer acts on them yet; their rows carry {@code sync_version} and CDC captures them.
 */
public sealed interface CampaignEvent extends DomainEvent permits CampaignCreated, CampaignChanged, CampaignRemoved {

    /** The campaign's id. */
    UUID id();

    UUID organizationId();

    @Override
    default String aggregateType() {
        return AggregateTypes.CAMPAIGN;
    }

    @Override
    default UUID aggregateId() {
        return id();
    }

    @Override
    default UUID orgId() {
        return organizationId();
    }
}
