package io.clp.identity.grant;

import io.clp.identity.model.EntityGrant;
import io.clp.identity.model.EntityType;

import io.clp.events.identity.GrantIssued;
import io.clp.events.identity.GrantRevoked;
import io.clp.events.identity.GrantSnapshot;
import io.clp.identity.model.Membership;
import io.clp.platform.outbox.Outbox;
import io.clp.platform.problem.Problems;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.clp.tenancy.work.OrganizationWork;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

/**
 * Entity grants: one member's rights on one entity, beyond their role. Every change publishes a
 * grant event and the grant's new state ({@link GrantSnapshot}, compacted topic {@code clp.state.grant})
 * in the same transaction; the services that own the entities keep their read model of grants from
 * them (platform-core {@code GrantReadModel}). A revoked grant's row is deleted and its id never used
 * again, so revocation is final.
 */
@ApplicationScoped
public class Grants {

    private final OrganizationWork work;
    private final Outbox outbox;

    Grants(OrganizationWork work, Outbox outbox) {
        this.work = work;
        this.outbox = outbox;
    }

    public record Issued(GrantView grant, boolean created) {
    }

    /** Grants (or replaces the grant of) a member's rights on one entity. */
    public Uni<Issued> issue(UUID orgId, IssueGrant request) {
        // locked before the checks: the granter's role and the grantee's membership are read as committed
        // after any removal, demotion or deletion that ran first; it also serializes grants in the
        // organization, so two concurrent grants on one entity do not both insert
        return work.run(orgId, Permission.ENTITY_PERMISSION_GRANT, admission -> Membership.active(orgId, request.userId())
                .onItem().ifNull().failWith(() -> Problems.validation("userId", "is not an active member of the organization"))
                .invoke(member -> {
                    // a client member is limited to their clients' data: a grant on anything else would open another
                    // service's data of every client (docs/clients.md, "Client access")
                    if (member.role == Role.CLIENT && request.entityType() != EntityType.client) {
                        throw Problems.validation("entityType", "a member with the client role can only be granted clients");
                    }
                })
                .chain(() -> EntityGrant.<EntityGrant>find("orgId = ?1 and userId = ?2 and entityType = ?3 and entityId = ?4",
                        orgId, request.userId(), request.entityType(), request.entityId()).<EntityGrant>firstResult())
                .chain(existing -> {
                    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    EntityGrant grant = existing == null ? new EntityGrant() : existing;
                    if (existing == null) {
                        grant.id = UUID.randomUUID();
                        grant.orgId = orgId;
                        grant.userId = request.userId();
                        grant.entityType = request.entityType();
                        grant.entityId = request.entityId();
                    }
                    grant.permissions = new ArrayList<>(new LinkedHashSet<>(request.permissions()));
                    grant.expiresAt = request.expiresAt() == null ? null : request.expiresAt().truncatedTo(ChronoUnit.MICROS);
                    grant.grantedBy = admission.userId();
                    grant.grantedAt = now;
                    // flushed first: the version the events carry is the one the row has after this issue
                    return grant.<EntityGrant>persist()
                            .call(saved -> Panache.getSession().chain(session -> session.flush()))
                            .call(saved -> outbox.publish(new GrantIssued(saved.id, orgId, saved.userId,
                                    saved.entityType.name(), saved.entityId, List.copyOf(saved.permissions), saved.expiresAt,
                                    saved.grantedBy, saved.grantedAt, saved.version)))
                            .call(saved -> outbox.publish(state(saved)))
                            .map(saved -> new Issued(GrantView.of(saved, now), existing == null));
                }));
    }

    /** The organization's grants, optionally of one user or on one entity; expired ones are shown as inactive. */
    public Uni<List<GrantView>> list(UUID orgId, UUID userId, EntityType entityType, UUID entityId) {
        StringBuilder query = new StringBuilder("orgId = :org");
        Parameters params = Parameters.with("org", orgId);
        if (userId != null) {
            query.append(" and userId = :user");
            params.and("user", userId);
        }
        if (entityType != null) {
            query.append(" and entityType = :type");
            params.and("type", entityType);
        }
        if (entityId != null) {
            query.append(" and entityId = :entity");
            params.and("entity", entityId);
        }
        query.append(" order by grantedAt, id");
        Instant now = Instant.now();
        return work.run(orgId, Permission.ENTITY_PERMISSION_READ, () -> EntityGrant.<EntityGrant>list(query.toString(), params)
                .map(grants -> grants.stream().map(g -> GrantView.of(g, now)).toList()));
    }

    public Uni<Void> revoke(UUID orgId, UUID grantId) {
        return work.run(orgId, Permission.ENTITY_PERMISSION_REVOKE, () -> EntityGrant.<EntityGrant>find("id = ?1 and orgId = ?2", grantId, orgId).<EntityGrant>firstResult()
                .onItem().ifNull().failWith(() -> Problems.notFound("grant", grantId))
                .chain(this::delete));
    }

    /**
     * Revokes every grant a user holds in an organization: their membership ended. Runs in the
     * caller's transaction.
     */
    public Uni<Void> revokeAllOf(UUID orgId, UUID userId) {
        return EntityGrant.<EntityGrant>list("orgId = ?1 and userId = ?2", orgId, userId)
                .onItem().transformToMulti(grants -> Multi.createFrom().iterable(grants))
                .onItem().transformToUniAndConcatenate(this::delete)
                .collect().asList().replaceWithVoid();
    }

    /** Revokes the user's grants on anything but clients: they now hold the client role. In the caller's transaction. */
    public Uni<Void> revokeAllButClientsOf(UUID orgId, UUID userId) {
        return EntityGrant.<EntityGrant>list("orgId = ?1 and userId = ?2 and entityType <> ?3", orgId, userId, EntityType.client)
                .onItem().transformToMulti(grants -> Multi.createFrom().iterable(grants))
                .onItem().transformToUniAndConcatenate(this::delete)
                .collect().asList().replaceWithVoid();
    }

    private Uni<Void> delete(EntityGrant grant) {
        Instant revokedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return outbox.publish(new GrantRevoked(grant.id, grant.orgId, grant.userId, grant.entityType.name(), grant.entityId,
                        revokedAt))
                .chain(() -> outbox.publish(revokedState(grant, revokedAt)))
                .chain(grant::delete);
    }

    /** The current state of a live grant. */
    public static GrantSnapshot state(EntityGrant grant) {
        return new GrantSnapshot(grant.id, grant.orgId, grant.userId, grant.entityType.name(), grant.entityId,
                List.copyOf(grant.permissions), grant.expiresAt, grant.grantedBy, grant.grantedAt, grant.version, false, null);
    }

    /** The final state of a revoked grant: its last version's content, marked revoked, one version on. */
    static GrantSnapshot revokedState(EntityGrant grant, Instant revokedAt) {
        return new GrantSnapshot(grant.id, grant.orgId, grant.userId, grant.entityType.name(), grant.entityId,
                List.copyOf(grant.permissions), grant.expiresAt, grant.grantedBy, grant.grantedAt, grant.version + 1, true,
                revokedAt);
    }
}
