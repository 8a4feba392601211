package io.clp.events;

import io.clp.events.identity.ApiKeyCreated;
import io.clp.events.identity.ApiKeyRevoked;
import io.clp.events.identity.GrantIssued;
import io.clp.events.identity.GrantRevoked;
import io.clp.events.identity.GrantSnapshot;
import io.clp.events.identity.MemberInvited;
import io.clp.events.identity.MembershipChanged;
import io.clp.events.identity.OrganizationCreated;
import io.clp.events.identity.OrganizationDeleted;
import io.clp.events.identity.OrganizationQuotasChanged;
import io.clp.events.identity.OrganizationSnapshot;
import io.clp.events.identity.OrganizationUpdated;

import io.clp.events.campaign.CampaignChanged;
import io.clp.events.campaign.CampaignCreated;
import io.clp.events.campaign.CampaignRemoved;
import io.clp.events.campaign.DspAccountConnected;
import io.clp.events.campaign.DspAccountDeleted;
import io.clp.events.campaign.DspAccountUpdated;
import io.clp.events.campaign.MetricsRecorded;
import io.clp.events.pipeline.ExecutionCancelled;
import io.clp.events.pipeline.ExecutionCompleted;
import io.clp.events.pipeline.ExecutionFailed;
import io.clp.events.pipeline.MetricsBatch;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalogue of event classes and their CloudEvents types, so that a consumer can name the events
 * it handles by class ({@code on(OrganizationCreated.class, ...)}) and still read the wire's
 * {@code ce_type}. Listed here rather than read from each class's {@code TYPE} by reflection: the
 * compiler checks every entry, and a consumer of a class missing here fails when it is built (at
 * start-up), never per message. EventTypesTest keeps the catalogue complete.
 */
public final class EventTypes {

    private static final Map<Class<? extends DomainEvent>, String> TYPES = catalogue(List.of(
            entry(OrganizationCreated.class, OrganizationCreated.TYPE),
            entry(OrganizationUpdated.class, OrganizationUpdated.TYPE),
            entry(OrganizationQuotasChanged.class, OrganizationQuotasChanged.TYPE),
            entry(OrganizationDeleted.class, OrganizationDeleted.TYPE),
            entry(OrganizationSnapshot.class, OrganizationSnapshot.TYPE),
            entry(MembershipChanged.class, MembershipChanged.TYPE),
            entry(MemberInvited.class, MemberInvited.TYPE),
            entry(GrantIssued.class, GrantIssued.TYPE),
            entry(GrantRevoked.class, GrantRevoked.TYPE),
            entry(GrantSnapshot.class, GrantSnapshot.TYPE),
            entry(ApiKeyCreated.class, ApiKeyCreated.TYPE),
            entry(ApiKeyRevoked.class, ApiKeyRevoked.TYPE),
            entry(CampaignCreated.class, CampaignCreated.TYPE),
            entry(CampaignChanged.class, CampaignChanged.TYPE),
            entry(CampaignRemoved.class, CampaignRemoved.TYPE),
            entry(DspAccountConnected.class, DspAccountConnected.TYPE),
            entry(DspAccountUpdated.class, DspAccountUpdated.TYPE),
            entry(DspAccountDeleted.class, DspAccountDeleted.TYPE),
            entry(MetricsRecorded.class, MetricsRecorded.TYPE),
            entry(MetricsBatch.class, MetricsBatch.TYPE),
            entry(ExecutionCompleted.class, ExecutionCompleted.TYPE),
            entry(ExecutionFailed.class, ExecutionFailed.TYPE),
            entry(ExecutionCancelled.class, ExecutionCancelled.TYPE)));

    private EventTypes() {
    }

    /** The CloudEvents type of {@code event}; an {@link IllegalArgumentException} for a class that is not in the catalogue. */
    public static String of(Class<? extends DomainEvent> event) {
        String type = TYPES.get(event);
        if (type == null) {
            throw new IllegalArgumentException(event.getName() + " is not in the event catalogue (io.clp.events.EventTypes)");
        }
        return type;
    }

    /**
     * The catalogued event classes that are (or implement) {@code kind}, in catalogue order: for an
     * event record that class alone, for an interface such as {@code OrganizationEvent} each of its events.
     */
    public static <E extends DomainEvent> List<Class<? extends E>> all(Class<E> kind) {
        return TYPES.keySet().stream().filter(kind::isAssignableFrom).<Class<? extends E>>map(c -> c.asSubclass(kind)).toList();
    }

    private static Map.Entry<Class<? extends DomainEvent>, String> entry(Class<? extends DomainEvent> event, String type) {
        return Map.entry(event, type);
    }

    private static Map<Class<? extends DomainEvent>, String> catalogue(List<Map.Entry<Class<? extends DomainEvent>, String>> entries) {
        Map<Class<? extends DomainEvent>, String> types = new LinkedHashMap<>();
        for (Map.Entry<Class<? extends DomainEvent>, String> e : entries) {
            if (types.containsValue(e.getValue()) || types.put(e.getKey(), e.getValue()) != null) {
                throw new IllegalStateException("the event catalogue names " + e.getKey().getName() + " or " + e.getValue() + " twice");
            }
        }
        return Collections.unmodifiableMap(types);
    }
}
