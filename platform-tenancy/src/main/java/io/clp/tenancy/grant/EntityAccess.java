package io.clp.tenancy.grant;

import io.clp.platform.problem.Problems;
import io.clp.tenancy.security.Caller;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Admission;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The check for an action on one entity: the caller's role in the organization may allow it, or a
 * live entity grant (see {@link GrantReadModel}) may allow it on that entity only. A grant is never
 * read past its expiry, nor once its revocation has arrived (the read model keeps it as a tombstone).
 * API keys act within their scopes only; grants belong to people. Called by
 * {@link io.clp.tenancy.work.OrganizationWork}, after the caller's standing and the organization's
 * state are established.
 */
@Singleton
public class EntityAccess {

    static final String LIVE_GRANT = """
            SELECT count(*) FROM entity_grant_refs
            WHERE org_id = ?1 AND user_id = ?2 AND entity_type = ?3 AND entity_id = ?4
              AND revoked_at IS NULL AND ?5 = ANY (actions) AND (expires_at IS NULL OR expires_at > now())
            """;

    private final Caller caller;

    EntityAccess(Caller caller) {
        this.caller = caller;
    }

    /**
     * Must run in a transaction that may see the organization's rows. Fails with 403 when neither the
     * caller's standing nor a live grant on the entity allows the admitted permission.
     */
    public Uni<Void> requireOnEntity(Admission admission, String entityType, UUID entityId) {
        Permission permission = admission.permission();
        if (admission.holdsPermission()) {
            return Uni.createFrom().voidItem();
        }
        GrantAction action = GrantAction.covering(permission).orElse(null);
        if (action == null || caller.apiKey().isPresent()) {
            return Uni.createFrom().failure(denied(permission));
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(LIVE_GRANT, Long.class)
                        .setParameter(1, admission.orgId())
                        .setParameter(2, admission.userId())
                        .setParameter(3, entityType)
                        .setParameter(4, entityId)
                        .setParameter(5, action.id())
                        .getSingleResult())
                .chain(count -> count > 0 ? Uni.createFrom().voidItem() : Uni.createFrom().failure(denied(permission)));
    }

    /**
     * As {@link #requireOnEntity(Admission, String, UUID)}, where a live grant on any entity that
     * contains this one ({@code enclosing}, e.g. the campaign of a line item) allows it too: one query
     * over the grants of the entity and its ancestors, which the caller reads from the entity's own row.
     */
    public Uni<Void> requireOnEntity(Admission admission, String entityType, UUID entityId, List<EntityRef> enclosing) {
        List<EntityRef> entities = new ArrayList<>();
        entities.add(new EntityRef(entityType, entityId));
        enclosing.stream().filter(e -> e.id() != null).forEach(entities::add);
        if (entities.size() == 1) {
            return requireOnEntity(admission, entityType, entityId);
        }
        Permission permission = admission.permission();
        if (admission.holdsPermission()) {
            return Uni.createFrom().voidItem();
        }
        GrantAction action = GrantAction.covering(permission).orElse(null);
        if (action == null || caller.apiKey().isPresent()) {
            return Uni.createFrom().failure(denied(permission));
        }
        StringBuilder sql = new StringBuilder("""
                SELECT count(*) FROM entity_grant_refs
                WHERE org_id = ?1 AND user_id = ?2 AND revoked_at IS NULL AND ?3 = ANY (actions)
                  AND (expires_at IS NULL OR expires_at > now()) AND (""");
        for (int i = 0; i < entities.size(); i++) {
            sql.append(i == 0 ? "" : " OR ").append("(entity_type = ?").append(4 + 2 * i)
                    .append(" AND entity_id = ?").append(5 + 2 * i).append(')');
        }
        sql.append(')');
        return Panache.getSession().chain(session -> {
                    var query = session.createNativeQuery(sql.toString(), Long.class)
                            .setParameter(1, admission.orgId())
                            .setParameter(2, admission.userId())
                            .setParameter(3, action.id());
                    for (int i = 0; i < entities.size(); i++) {
                        query.setParameter(4 + 2 * i, entities.get(i).type()).setParameter(5 + 2 * i, entities.get(i).id());
                    }
                    return query.getSingleResult();
                })
                .chain(count -> count > 0 ? Uni.createFrom().voidItem() : Uni.createFrom().failure(denied(permission)));
    }

    private static RuntimeException denied(Permission permission) {
        return Problems.forbidden("this action needs the permission " + permission.scope()
                + " in the organization or a grant on this " + permission.resource());
    }
}
