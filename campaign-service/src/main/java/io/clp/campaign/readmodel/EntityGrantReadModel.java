package io.clp.campaign.readmodel;

import io.clp.platform.messaging.ProjectionSupport;
import io.clp.tenancy.grant.GrantReadModel;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * This service's copy of identity's entity grants on the entity types it owns
 * ({@code entity_grant_refs}, {@code clp.grants.entity-types}): kept from the grant events and the
 * compacted state topic.
 */
@Singleton
public class EntityGrantReadModel extends GrantReadModel {

    public EntityGrantReadModel(ProjectionSupport support, @ConfigProperty(name = "clp.grants.entity-types") Set<String> ownedTypes) {
        super(support, ownedTypes);
    }

    @Incoming("entity-grants")
    public CompletionStage<Void> consume(Message<String> message) {
        return handle(message);
    }

    @Incoming("grant-states")
    public CompletionStage<Void> consumeState(Message<String> message) {
        return handle(message);
    }
}
