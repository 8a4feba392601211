package io.clp.tenancy.organization;

import io.clp.events.identity.OrganizationCreated;
import io.clp.events.identity.OrganizationDeleted;
import io.clp.events.identity.OrganizationQuotasChanged;
import io.clp.events.identity.OrganizationSnapshot;
import io.clp.events.identity.OrganizationUpdated;
import io.clp.platform.messaging.EventHandlers;
import io.clp.platform.messaging.EventProjection;
import io.clp.platform.messaging.ProjectionSupport;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import java.time.Instant;
import java.util.UUID;

/**
 * Keeps {@code organization_refs} (status, plan, deletion and effective quotas of every
 * organization) from identity-service's {@code clp.events.organization} stream and its compacted
 * {@code clp.state.organization} topic, which holds the current state of every organization and is
 * read from its earliest record: a service started on an empty schema, or restored from an old
 * backup, learns every organization however old. Both feeds are ordered by the organization's own
 * version, which they carry (db/platform/V0_7): an older record never overwrites a newer one whichever
 * instance published it and whatever its clock said, and nothing revives a deleted organization. So a
 * replay of either topic, even after the inbox ({@code processed_event}) has forgotten the records,
 * changes nothing.
 * <p>
 * A service that keeps the read model says so in its own source: a bean extending this class whose
 * {@code @Incoming} methods consume the channels {@code organizations} and
 * {@code organization-states} (configured in platform-tenancy) and call {@link #handle}. The inbox
 * consumer is {@code <service>-organizations}. identity-service owns organizations and keeps none.
 */
public abstract class OrganizationRefs extends EventProjection {

    /*
     * An event carrying the organization's version applies when it is newer than the version the
     * part holds (or the part holds none yet); an event from before versions existed applies only
     * to a part never set by a versioned event, by its timestamp as before.
     */
    static final String STATUS = """
            INSERT INTO organization_refs (org_id, slug, status, plan, status_changed_at, status_version)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT (org_id) DO UPDATE SET slug = excluded.slug, status = excluded.status, plan = excluded.plan,
                status_changed_at = excluded.status_changed_at, status_version = excluded.status_version,
                received_at = now()
            WHERE organization_refs.deleted_at IS NULL
              AND CASE WHEN excluded.status_version IS NOT NULL
                       THEN organization_refs.status_version IS NULL OR organization_refs.status_version < excluded.status_version
                       ELSE organization_refs.status_version IS NULL
                            AND (organization_refs.status_changed_at IS NULL
                                 OR organization_refs.status_changed_at <= excluded.status_changed_at) END
            """;

    /** Deletion is final: it applies whatever the order, and nothing applies after it. */
    static final String DELETE = """
            INSERT INTO organization_refs (org_id, slug, status, deleted_at, status_changed_at, status_version)
            VALUES (?1, ?2, 'deleted', ?3, ?3, ?4)
            ON CONFLICT (org_id) DO UPDATE SET status = 'deleted', deleted_at = excluded.deleted_at,
                status_changed_at = excluded.status_changed_at,
                status_version = coalesce(excluded.status_version, organization_refs.status_version), received_at = now()
            """;

    static final String QUOTAS = """
            INSERT INTO organization_refs (org_id, slug, plan, quotas, quotas_changed_at, quotas_version)
            VALUES (?1, ?2, ?3, CAST(CAST(?4 AS text) AS jsonb), ?5, ?6)
            ON CONFLICT (org_id) DO UPDATE SET quotas = excluded.quotas, quotas_changed_at = excluded.quotas_changed_at,
                quotas_version = excluded.quotas_version, received_at = now()
            WHERE CASE WHEN excluded.quotas_version IS NOT NULL
                       THEN organization_refs.quotas_version IS NULL OR organization_refs.quotas_version < excluded.quotas_version
                       ELSE organization_refs.quotas_version IS NULL
                            AND (organization_refs.quotas_changed_at IS NULL
                                 OR organization_refs.quotas_changed_at <= excluded.quotas_changed_at) END
            """;

    private final EventHandlers<Received> handlers;

    protected OrganizationRefs(ProjectionSupport support) {
        super(support, "organizations");
        this.handlers = eventHandlers()
                .on(OrganizationSnapshot.class, this::state)
                .on(OrganizationCreated.class, (org, event) ->
                        once(event, () -> upsert(org.id(), org.slug(), org.status(), org.plan(), org.createdAt(), org.version())))
                .on(OrganizationUpdated.class, (org, event) ->
                        once(event, () -> upsert(org.id(), org.slug(), org.status(), org.plan(), org.updatedAt(), org.version())))
                .on(OrganizationQuotasChanged.class, (quotas, event) -> {
                    String limits = json().writeValueAsString(quotas.limits());
                    return once(event, () -> quotas(quotas.id(), quotas.slug(), quotas.plan(), limits, quotas.changedAt(),
                            quotas.version()));
                })
                .on(OrganizationDeleted.class, (org, event) ->
                        once(event, () -> delete(org.id(), org.slug(), org.deletedAt(), org.version())))
                .build();
    }

    @Override
    protected EventHandlers<Received> handlers() {
        return handlers;
    }

    private Uni<Void> state(OrganizationSnapshot org, Received event) throws Exception {
        if (org.deleted()) {
            return once(event, () -> delete(org.id(), org.slug(), org.deletedAt() == null ? org.changedAt() : org.deletedAt(),
                    org.version()));
        }
        String limits = json().writeValueAsString(org.quotas());
        // the status part and the quotas part are each applied when the state is newer than what they hold
        return once(event, () -> upsert(org.id(), org.slug(), org.status(), org.plan(), org.changedAt(), org.version())
                .chain(() -> quotas(org.id(), org.slug(), org.plan(), limits, org.changedAt(), org.version())));
    }

    private static Uni<Integer> delete(UUID id, String slug, Instant deletedAt, Long version) {
        return Panache.getSession().chain(session -> session.createNativeQuery(DELETE)
                .setParameter(1, id)
                .setParameter(2, slug)
                .setParameter(3, deletedAt)
                .setParameter(4, version)
                .executeUpdate());
    }

    private static Uni<Integer> quotas(UUID id, String slug, String plan, String limits, Instant changedAt, Long version) {
        return Panache.getSession().chain(session -> session.createNativeQuery(QUOTAS)
                .setParameter(1, id)
                .setParameter(2, slug)
                .setParameter(3, plan)
                .setParameter(4, limits)
                .setParameter(5, changedAt)
                .setParameter(6, version)
                .executeUpdate());
    }

    private static Uni<Integer> upsert(UUID id, String slug, String status, String plan, Instant changedAt, Long version) {
        return Panache.getSession().chain(session -> session.createNativeQuery(STATUS)
                .setParameter(1, id)
                .setParameter(2, slug)
                .setParameter(3, status)
                .setParameter(4, plan)
                .setParameter(5, changedAt)
                .setParameter(6, version)
                .executeUpdate());
    }
}
