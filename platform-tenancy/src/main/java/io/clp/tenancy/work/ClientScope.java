package io.clp.tenancy.work;

import io.clp.platform.tx.SessionSql;
import io.clp.tenancy.grant.GrantAction;
import io.clp.tenancy.security.Admission;
import io.clp.tenancy.security.Role;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Limits a transaction of a member with the {@link Role#CLIENT} role to the clients they hold a live {@code view}
 * grant on (entity type {@code client}), in the setting {@code clp.client_scope}: the granted client ids, or
 * {@code none}. The tables that hold a client's data enforce it by row-level security (campaign-service V13); a
 * service that keeps no client grants limits such a member to none. Any other caller's transaction is not limited.
 * Called by {@link OrganizationWork} once the organization's rows are visible, before any work.
 */
@ApplicationScoped
public class ClientScope {

    public static final String ENTITY_TYPE = "client";

    static final String LIMIT = """
            SELECT set_config('clp.client_scope',
                (SELECT coalesce(string_agg(DISTINCT entity_id::text, ','), 'none') FROM entity_grant_refs
                 WHERE org_id = $1 AND user_id = $2 AND entity_type = $3 AND revoked_at IS NULL AND $4 = ANY (actions)
                   AND (expires_at IS NULL OR expires_at > now())), true)
            """;

    /** Whether the admitted caller sees only the clients granted to them. */
    public static boolean limited(Admission admission) {
        return admission.roles().contains(Role.CLIENT);
    }

    /**
     * Limits the transaction for a client member, in one statement sent when subscribed ({@link SessionSql#rows}); a read
     * behind the token gate sends its first statement right behind it ({@link OrganizationWork#read}), so that statement
     * must never be deferred: a read sent before it would not be limited.
     */
    Uni<Void> apply(Admission admission) {
        if (!limited(admission)) {
            return Uni.createFrom().voidItem();
        }
        return SessionSql.rows(LIMIT, admission.orgId(), admission.userId(), ENTITY_TYPE, GrantAction.VIEW.id()).replaceWithVoid();
    }
}
