package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;
import io.clp.events.Topics;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The full current state of one organization, published by identity-service in the same transaction
 * as every change of it (and once for every organization that existed before this record did), to
 * the compacted topic {@code clp.state.organization} keyed by the organization's id. A consumer with an
 * empty read model learns every organization from it, however old; a consumer applies a record only
 * when its {@link #version()} is newer than what it holds. A deleted organization stays on the topic
 * as {@code deleted = true}, never as a null tombstone, so a consumer that was away for any length of
 * time still learns of the deletion.
 *
 * @param quotas  the effective limits (override, else the plan's default) by quota id: members,
 *                dsp_accounts, pipelines, rules, api_keys; always complete
 * @param changedAt when the state last changed
 * @param version the organization row's version: the order of the states
 */
public record OrganizationSnapshot(
        UUID id,
        String slug,
        String status,
        String plan,
        Map<String, Integer> quotas,
        boolean deleted,
        Instant deletedAt,
        Instant changedAt,
        long version) implements DomainEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.ORGANIZATION, "state", 1);

    @Override
    public String aggregateType() {
        return AggregateTypes.ORGANIZATION_STATE;
    }

    @Override
    public String topic() {
        return Topics.ORGANIZATION_STATE;
    }

    @Override
    public UUID aggregateId() {
        return id;
    }

    @Override
    public UUID orgId() {
        return id;
    }

    @Override
    public String subject() {
        return "organizations/" + id;
    }

    @Override
    public String eventType() {
        return TYPE;
    }
}
