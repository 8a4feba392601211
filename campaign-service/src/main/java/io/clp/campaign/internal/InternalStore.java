package io.clp.campaign.internal;

import io.clp.platform.problem.ProblemException;
import io.clp.platform.problem.Problems;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;
import java.util.function.Function;

/**
 * The internal API's database work, on the reactive pool and in plain SQL. Every transaction sees one organization's
 * rows only (row-level security, {@code clp.org_ids}), never the service's system scope, and a transaction that
 * writes records its context for the audit trail: the calling service as {@code system:<service>}.
 */
@ApplicationScoped
class InternalStore {

    private static final String SCOPE = """
            SELECT set_config('clp.user_id', '', true), set_config('clp.scope', 'internal', true),
                   set_config('clp.org_ids', $1, true)
            """;
    private static final String STAMP = """
            INSERT INTO transaction_context (id, tx_id, actor, user_id, actor_name, request_id, service, created_at)
            VALUES (gen_random_uuid(), pg_current_xact_id()::text::bigint % 4294967296, $1, NULL, $2, $3, 'campaign', now())
            """;

    /** A DSP account as the internal API needs it. */
    record Account(UUID id, String dspType, String externalAccountId, boolean active, String timezone, String currency) {
    }

    private final Pool pool;

    InternalStore(Pool pool) {
        this.pool = pool;
    }

    /** Work in one transaction that sees only {@code orgId}'s rows, after the organization is found active. */
    <T> Uni<T> inOrganization(UUID orgId, Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(conn -> conn.preparedQuery(SCOPE).execute(Tuple.of(orgId.toString()))
                .chain(() -> requireActive(conn, orgId))
                .chain(() -> work.apply(conn)));
    }

    /** As {@link #inOrganization}, recording {@code actor} (the calling service) as who made the changes. */
    <T> Uni<T> writeInOrganization(UUID orgId, String actor, String actorName, String requestId,
                                   Function<SqlConnection, Uni<T>> work) {
        // the billing lock first, shared: campaigns it creates take their client from the advertiser links (docs/clients.md)
        return inOrganization(orgId, conn -> conn.preparedQuery("SELECT clp_billing_lock($1, false)").execute(Tuple.of(orgId))
                .chain(() -> conn.preparedQuery(STAMP).execute(Tuple.of(actor, actorName, requestId)))
                .chain(() -> work.apply(conn)));
    }

    /**
     * 404 for an organization unknown to the read model or deleted, 409 organization-suspended for one that is neither
     * on trial nor active (the states whose pipelines run, as pipeline-service's executor has them).
     */
    private static final java.util.Set<String> RUNNING_STATES = java.util.Set.of("trial", "active");

    private static Uni<Void> requireActive(SqlConnection conn, UUID orgId) {
        return conn.preparedQuery("SELECT status, deleted_at FROM organization_refs WHERE org_id = $1")
                .execute(Tuple.of(orgId)).map(rows -> {
                    Row r = rows.iterator().hasNext() ? rows.iterator().next() : null;
                    if (r == null || r.getValue("deleted_at") != null || "deleted".equals(r.getString("status"))) {
                        throw Problems.notFound("organization", orgId);
                    }
                    if (!RUNNING_STATES.contains(r.getString("status"))) {
                        throw new ProblemException(409, "organization-suspended", "The organization is suspended",
                                "organization " + orgId + " is " + r.getString("status") + "; its pipelines do not run", null);
                    }
                    return null;
                });
    }

    /** The organization's account, or a 404 problem (another organization's account is not revealed). */
    static Uni<Account> account(SqlConnection conn, UUID orgId, UUID accountId) {
        return conn.preparedQuery("""
                        SELECT id, dsp_type::text AS dsp_type, external_account_id, is_active, account_timezone, currency
                        FROM dsp_accounts WHERE org_id = $1 AND id = $2
                        """)
                .execute(Tuple.of(orgId, accountId)).map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw Problems.notFound("dsp-account", accountId);
                    }
                    Row r = rows.iterator().next();
                    return new Account(r.getUUID("id"), r.getString("dsp_type"), r.getString("external_account_id"),
                            r.getBoolean("is_active"), r.getString("account_timezone"), r.getString("currency"));
                });
    }

    static ProblemException accountDisabled(UUID accountId) {
        return new ProblemException(409, "dsp-account-disabled", "The DSP account is disabled",
                "DSP account " + accountId + " is disabled; enable it before its pipelines run", null);
    }
}
