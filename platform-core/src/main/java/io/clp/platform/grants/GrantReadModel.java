package io.clp.platform.grants;

import io.clp.events.identity.GrantIssued;
import io.clp.events.identity.GrantRevoked;
import io.clp.platform.messaging.EventProjection;
import io.clp.platform.tx.Actor;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Keeps {@code entity_grant_refs}, a service's copy of the entity grants on the entity types it owns,
 * from identity-service's {@code clp.events.grant} stream (applied once each; unreadable events go
 * to the channel's dead-letter topic).
 * Enabled in services that own entities ({@code clp.grants.enabled=true} at build time), with
 * {@code clp.grants.entity-types} naming the types they own.
 */
@ApplicationScoped
@IfBuildProperty(name = "clp.grants.enabled", stringValue = "true")
public class GrantReadModel extends EventProjection {

    static final String UPSERT = """
            INSERT INTO entity_grant_refs (grant_id, org_id, user_id, entity_type, entity_id, actions, expires_at, granted_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            ON CONFLICT (grant_id) DO UPDATE SET actions = excluded.actions, expires_at = excluded.expires_at,
                granted_at = excluded.granted_at, received_at = now()
            """;

    /** A grant on another service's entity: seen (recorded in the inbox), nothing kept. */
    private static final Supplier<Uni<Integer>> NOTHING = () -> Uni.createFrom().item(0);

    @ConfigProperty(name = "clp.grants.entity-types")
    Set<String> ownedTypes;

    @Override
    protected String name() {
        return "entity-grants";
    }

    @Incoming("entity-grants")
    public CompletionStage<Void> consume(Message<String> message) {
        return handle(message);
    }

    @Override
    protected Uni<Void> apply(String type, String eventId, String payload, Actor.Identity cause) throws Exception {
        if (GrantIssued.TYPE.equals(type)) {
            GrantIssued grant = json.readValue(payload, GrantIssued.class);
            if (!ownedTypes.contains(grant.entityType())) {
                return once(eventId, cause, NOTHING);
            }
            return once(eventId, cause, () -> Panache.getSession().chain(session -> session.createNativeQuery(UPSERT)
                    .setParameter(1, grant.id())
                    .setParameter(2, grant.organizationId())
                    .setParameter(3, grant.userId())
                    .setParameter(4, grant.entityType())
                    .setParameter(5, grant.entityId())
                    .setParameter(6, validActions(grant.permissions()).toArray(String[]::new))
                    .setParameter(7, grant.expiresAt())
                    .setParameter(8, grant.grantedAt())
                    .executeUpdate()));
        }
        if (GrantRevoked.TYPE.equals(type)) {
            GrantRevoked revoked = json.readValue(payload, GrantRevoked.class);
            if (!ownedTypes.contains(revoked.entityType())) {
                return once(eventId, cause, NOTHING);
            }
            return once(eventId, cause, () -> Panache.getSession().chain(session -> session
                    .createNativeQuery("DELETE FROM entity_grant_refs WHERE grant_id = ?1")
                    .setParameter(1, revoked.id())
                    .executeUpdate()));
        }
        return Uni.createFrom().voidItem();
    }

    private static List<String> validActions(List<String> actions) {
        List<String> valid = actions.stream().filter(a -> GrantAction.parse(a).isPresent()).toList();
        if (valid.isEmpty()) {
            throw new IllegalArgumentException("a grant without any known action: " + actions);
        }
        return valid;
    }
}
