package io.clp.tenancy.grant;

import io.clp.events.identity.GrantIssued;
import io.clp.events.identity.GrantRevoked;
import io.clp.events.identity.GrantSnapshot;
import io.clp.platform.messaging.EventHandlers;
import io.clp.platform.messaging.EventProjection;
import io.clp.platform.messaging.ProjectionSupport;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Keeps {@code entity_grant_refs}, a service's copy of the entity grants on the entity types it owns,
 * from identity-service's {@code clp.events.grant} stream and its compacted {@code clp.state.grant}
 * topic (the current state of every grant, read from the earliest record, so an empty read model
 * learns every grant however old). Unreadable records go to the channel's dead-letter topic.
 * <p>
 * Both feeds are applied by order, not by arrival: a revoked grant stays as a tombstone row
 * ({@code revoked_at} set) and nothing issued afterwards revives it, and a re-issue of a live grant
 * applies only over an older version. Revocation can be final because identity never reuses a grant
 * id (a new UUID per grant, and a revoked grant's row is deleted there), so "revoked" outranks every
 * version and grants need no version in their revocation; the grant's version only orders re-issues
 * (permissions or expiry replaced). This makes replays harmless at any distance: a topic replayed
 * from the start, or records redelivered after the inbox ({@code processed_event}) has forgotten
 * them, leave the read model as it was.
 * <p>
 * A service that owns entities keeps it by saying so in its own source: a bean extending this class,
 * built with the entity types it owns ({@code clp.grants.entity-types}), whose {@code @Incoming}
 * methods consume the channels {@code entity-grants} and {@code grant-states} (configured in
 * platform-tenancy) and call {@link #handle}. The inbox consumer is {@code <service>-entity-grants}.
 */
public abstract class GrantReadModel extends EventProjection {

    /*
     * A live grant is replaced only by a newer version; an event from before versions existed
     * (version null) only where the row holds no version either, by its issue time as before.
     * A tombstone is never replaced.
     */
    static final String UPSERT = """
            INSERT INTO entity_grant_refs (grant_id, org_id, user_id, entity_type, entity_id, actions, expires_at, granted_at, version)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            ON CONFLICT (grant_id) DO UPDATE SET actions = excluded.actions, expires_at = excluded.expires_at,
                granted_at = excluded.granted_at, version = excluded.version, received_at = now()
            WHERE entity_grant_refs.revoked_at IS NULL
              AND CASE WHEN excluded.version IS NOT NULL
                       THEN entity_grant_refs.version IS NULL OR entity_grant_refs.version < excluded.version
                       ELSE entity_grant_refs.version IS NULL
                            AND (entity_grant_refs.granted_at IS NULL OR entity_grant_refs.granted_at <= excluded.granted_at) END
            """;

    /** Revocation is final: it applies whatever the order, and leaves a tombstone that nothing revives. */
    static final String REVOKE = """
            INSERT INTO entity_grant_refs (grant_id, org_id, user_id, entity_type, entity_id, actions, revoked_at)
            VALUES (?1, ?2, ?3, ?4, ?5, '{}', ?6)
            ON CONFLICT (grant_id) DO UPDATE SET revoked_at = excluded.revoked_at, received_at = now()
            WHERE entity_grant_refs.revoked_at IS NULL
            """;

    /** A grant on another service's entity: seen (recorded in the inbox), nothing kept. */
    private static final Supplier<Uni<Integer>> NOTHING = () -> Uni.createFrom().item(0);

    private final Set<String> ownedTypes;
    private final EventHandlers<Received> handlers;

    /** {@code ownedTypes}: the entity types the service owns; grants on any other type are seen and not kept. */
    protected GrantReadModel(ProjectionSupport support, Set<String> ownedTypes) {
        super(support, "entity-grants");
        this.ownedTypes = Set.copyOf(ownedTypes);
        this.handlers = eventHandlers()
                .on(GrantIssued.class, (grant, event) -> once(event, !owned(grant.entityType()) ? NOTHING
                        : () -> issue(grant.id(), grant.organizationId(), grant.userId(), grant.entityType(), grant.entityId(),
                                grant.permissions(), grant.expiresAt(), grant.grantedAt(), grant.version())))
                .on(GrantRevoked.class, (revoked, event) -> once(event, !owned(revoked.entityType()) ? NOTHING
                        : () -> revoke(revoked.id(), revoked.organizationId(), revoked.userId(), revoked.entityType(),
                                revoked.entityId(), revoked.revokedAt())))
                .on(GrantSnapshot.class, (grant, event) -> once(event, !owned(grant.entityType()) ? NOTHING
                        : () -> grant.revoked()
                                ? revoke(grant.id(), grant.organizationId(), grant.userId(), grant.entityType(), grant.entityId(),
                                        grant.revokedAt() == null ? Instant.now() : grant.revokedAt())
                                : issue(grant.id(), grant.organizationId(), grant.userId(), grant.entityType(), grant.entityId(),
                                        grant.permissions(), grant.expiresAt(), grant.grantedAt(), grant.version())))
                .build();
    }

    @Override
    protected EventHandlers<Received> handlers() {
        return handlers;
    }

    private boolean owned(String entityType) {
        return entityType != null && ownedTypes.contains(entityType);
    }

    private static Uni<Integer> issue(UUID id, UUID orgId, UUID userId, String entityType, UUID entityId, List<String> actions,
                                      Instant expiresAt, Instant grantedAt, Long version) {
        String[] valid = validActions(actions).toArray(String[]::new);
        return Panache.getSession().chain(session -> session.createNativeQuery(UPSERT)
                .setParameter(1, id)
                .setParameter(2, orgId)
                .setParameter(3, userId)
                .setParameter(4, entityType)
                .setParameter(5, entityId)
                .setParameter(6, valid)
                .setParameter(7, expiresAt)
                .setParameter(8, grantedAt)
                .setParameter(9, version)
                .executeUpdate());
    }

    private static Uni<Integer> revoke(UUID id, UUID orgId, UUID userId, String entityType, UUID entityId, Instant revokedAt) {
        return Panache.getSession().chain(session -> session.createNativeQuery(REVOKE)
                .setParameter(1, id)
                .setParameter(2, orgId)
                .setParameter(3, userId)
                .setParameter(4, entityType)
                .setParameter(5, entityId)
                .setParameter(6, revokedAt)
                .executeUpdate());
    }

    private static List<String> validActions(List<String> actions) {
        List<String> valid = actions.stream().filter(a -> GrantAction.parse(a).isPresent()).toList();
        if (valid.isEmpty()) {
            throw new IllegalArgumentException("a grant without any known action: " + actions);
        }
        return valid;
    }
}
