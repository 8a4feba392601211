package io.clp.events.campaign;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.Instant;
import java.util.UUID;

/**
 * A DSP account connected, changed or deleted in campaign-service. Topic {@code clp.events.dsp-account}, keyed by the
 * account's id. Every event carries the account's whole public state after the change (for a deletion, the last one),
 * so a read model such as pipeline-service's {@code dsp_account_refs} upserts it from any one event. None carries
 * credentials, tokens, their fingerprints or a DSP's free-text answer: those can echo secrets.
 */
public sealed interface DspAccountEvent extends DomainEvent permits DspAccountConnected, DspAccountUpdated, DspAccountDeleted {

    /** The account's id in CLP. */
    UUID id();

    UUID organizationId();

    /** {@code dv360}, {@code ttd}, {@code meta}, {@code amazon} or {@code google_ads}. */
    String dspType();

    /** The account's id at its DSP (an advertiser, ad account or customer id, as the DSP names it). */
    String externalAccountId();

    String displayName();

    /** The account's IANA time zone, as the DSP reports it. */
    String accountTimezone();

    /** ISO 4217, as the DSP reports it. */
    String currency();

    /** False while the account is disabled: it is not synced. */
    boolean active();

    /** The configured limit; an absent field (or an absent limit) means the connector's default. */
    DspAccountRateLimit rateLimit();

    /** Minutes between scheduled syncs; null: the service's default interval. */
    Integer syncIntervalMinutes();

    /** When the account's row last changed (for a deletion, when it was deleted): a consumer keeps the newest. */
    Instant updatedAt();

    @Override
    default String aggregateType() {
        return AggregateTypes.DSP_ACCOUNT;
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
