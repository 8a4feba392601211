package io.clp.campaign.readmodel;

import io.clp.platform.messaging.ProjectionSupport;
import io.clp.tenancy.organization.OrganizationRefs;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.concurrent.CompletionStage;

/**
 * This service's copy of identity's organizations ({@code organization_refs}), which every
 * organization-scoped request checks: kept from the organization events and the compacted state topic.
 */
@Singleton
public class OrganizationReadModel extends OrganizationRefs {

    public OrganizationReadModel(ProjectionSupport support) {
        super(support);
    }

    @Incoming("organizations")
    public CompletionStage<Void> consume(Message<String> message) {
        return handle(message);
    }

    @Incoming("organization-states")
    public CompletionStage<Void> consumeState(Message<String> message) {
        return handle(message);
    }
}
