package io.clp.campaign.sync;

import io.clp.dsp.DspEntity;
import io.clp.dsp.EntityLevel;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The sync's database work, on the reactive pool and in plain SQL: pages are written set-based (never row by row, never
 * through the ORM). Every transaction runs in the service's own scope for row-level security, and every one that changes
 * captured rows records its context for the audit trail, as {@link io.clp.platform.tx.Transactions} does for the ORM's
 * transactions; the claim and the heartbeat, which write only the lease and {@code heartbeat_at}, record none.
 */
@ApplicationScoped
class SyncStore {

    static final String ACTOR = "system:campaign";
    static final String SOURCE = "/clp/campaign";

    private static final String SCOPE = "SELECT set_config('clp.scope', 'system', true)";
    private static final String STAMP = """
            INSERT INTO transaction_context (id, tx_id, actor, user_id, actor_name, request_id, service, created_at)
            VALUES (gen_random_uuid(), pg_current_xact_id()::text::bigint % 4294967296, $1, NULL, 'campaign', NULL, 'campaign', now())
            """;
    /** Holding the account's row while the page commits: a claimer's SKIP LOCKED passes it by, so no one takes over mid-page. */
    private static final String HOLD_LEASE = """
            SELECT 1 FROM dsp_accounts WHERE id = $1 AND sync_lease_owner = $2 AND sync_lease_until > now() FOR UPDATE
            """;
    /**
     * The account as the run began it: still active and its credentials unchanged since (their updated_at, read by begin).
     * A run must not go on writing into a disabled account or listing with credentials that were replaced.
     */
    private static final String CURRENT = """
            SELECT a.is_active AND (SELECT c.updated_at FROM dsp_account_credentials c WHERE c.account_id = a.id)
                                   IS NOT DISTINCT FROM $2::timestamptz AS current
            FROM dsp_accounts a WHERE a.id = $1
            """;

    private final Pool pool;
    /** The time between runs of an account whose sync_interval_minutes is not set. */
    private final Duration defaultInterval;

    SyncStore(Pool pool, SyncSettings settings) {
        this.pool = pool;
        this.defaultInterval = settings.defaultInterval();
    }

    /** The claimed account and the run it works on. */
    record Claim(UUID accountId, UUID orgId, String dspType, UUID runId, boolean full, Instant updatedSince,
                 Instant startedAt, JsonObject checkpoint, JsonObject counts, int pages, long dspWaitMs, long writeMs,
                 OffsetDateTime credentialsVersion) {
    }

    /** What one page's write did at its level. */
    record Written(int created, int changed, int removed, int seen) {
    }

    static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super("the account's sync lease was lost", null, false, false);
        }
    }

    /** The account changed under the run (disabled, or its credentials replaced): the run ends as cancelled, not failed. */
    static final class Superseded extends RuntimeException {
        Superseded() {
            super("the account was disabled or its credentials replaced during the run", null, false, false);
        }
    }

    /** What a heartbeat found. */
    enum Beat { RENEWED, LOST, SUPERSEDED }

    private <T> Uni<T> tx(Function<SqlConnection, Uni<T>> work) {
        return bookkeeping(conn -> conn.preparedQuery(STAMP).execute(Tuple.of(ACTOR)).chain(() -> work.apply(conn)));
    }

    /**
     * A transaction that writes only what change data capture leaves out (the lease, a run's heartbeat_at): it has no
     * change for the audit trail to attribute, so it records no transaction context (one per running sync every beat).
     */
    private <T> Uni<T> bookkeeping(Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(conn -> conn.query(SCOPE).execute().chain(() -> work.apply(conn)));
    }

    private static Uni<Void> holdLease(SqlConnection conn, UUID accountId, String owner) {
        return conn.preparedQuery(HOLD_LEASE).execute(Tuple.of(accountId, owner)).map(rows -> {
            if (rows.rowCount() == 0) {
                throw new LeaseLost();
            }
            return null;
        });
    }

    /**
     * The organization's billing lock, shared, before any row is locked: the campaigns a page writes take their client
     * from the advertiser links (docs/clients.md), and a change of links (which takes the lock exclusively, then the
     * account's and campaigns' rows) must find the page either committed or not begun, never holding rows it needs.
     */
    private static final String BILLING_LOCK = "SELECT clp_billing_lock($1, false)";

    /** As {@link #holdLease}, and the account still as the run began it, else {@link Superseded}. */
    private static Uni<Void> holdCurrent(SqlConnection conn, Claim claim, String owner) {
        return conn.preparedQuery(BILLING_LOCK).execute(Tuple.of(claim.orgId()))
                .chain(() -> holdLease(conn, claim.accountId(), owner))
                .chain(() -> conn.preparedQuery(CURRENT).execute(Tuple.of(claim.accountId(), claim.credentialsVersion())))
                .map(rows -> {
                    if (!Boolean.TRUE.equals(rows.iterator().next().getBoolean("current"))) {
                        throw new Superseded();
                    }
                    return null;
                });
    }

    /**
     * Leases up to {@code limit} due accounts to {@code owner}: active, not blocked by a permanent failure, due, and with
     * no live lease (an expired one belonged to an instance that died: its run is resumed). The lease is bookkeeping, so
     * a poll records no transaction context, whether it finds accounts due or (most polls) none.
     */
    Uni<List<UUID>> claimDue(String owner, Duration lease, int limit, UUID onlyAccount) {
        return bookkeeping(conn -> conn.preparedQuery("""
                WITH due AS (
                    SELECT id FROM dsp_accounts
                    WHERE is_active AND NOT sync_blocked AND next_sync_at <= now()
                      AND (sync_lease_until IS NULL OR sync_lease_until <= now())
                      AND ($4::uuid IS NULL OR id = $4::uuid)
                    ORDER BY next_sync_at
                    LIMIT $3
                    FOR UPDATE SKIP LOCKED)
                UPDATE dsp_accounts a SET sync_lease_owner = $1, sync_lease_until = now() + make_interval(secs => $2)
                FROM due WHERE a.id = due.id
                RETURNING a.id
                """).execute(Tuple.of(owner, (double) lease.toSeconds(), limit, onlyAccount))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getUUID("id")));
                    return ids;
                }));
    }

    /**
     * The run the leased account works on: its unfinished run, or its last run when that failed transiently (resumed from
     * its checkpoint), else a new one: full when the account has no watermark or its last full run is older than
     * {@code fullEvery}, incremental from the watermark less {@code overlap} otherwise.
     */
    Uni<Claim> begin(UUID accountId, String owner, Duration fullEvery, Duration overlap) {
        return tx(conn -> holdLease(conn, accountId, owner)
                .chain(() -> conn.preparedQuery("""
                        SELECT a.org_id, a.dsp_type::text AS dsp_type, a.sync_watermark,
                               (SELECT max(finished_at) FROM sync_runs f WHERE f.dsp_account_id = a.id AND f.kind = 'full'
                                                                           AND f.status = 'succeeded') AS last_full,
                               r.id AS run_id, r.status, r.retryable
                        FROM dsp_accounts a
                        LEFT JOIN LATERAL (SELECT id, status, retryable FROM sync_runs WHERE dsp_account_id = a.id
                                           ORDER BY created_at DESC, id DESC LIMIT 1) r ON true
                        WHERE a.id = $1
                        """).execute(Tuple.of(accountId)))
                .chain(rows -> {
                    Row a = rows.iterator().next();
                    UUID orgId = a.getUUID("org_id");
                    String status = a.getString("status");
                    UUID runId = a.getUUID("run_id");
                    boolean resume = runId != null && ("queued".equals(status) || "running".equals(status)
                            || ("failed".equals(status) && Boolean.TRUE.equals(a.getBoolean("retryable"))));
                    Uni<UUID> run;
                    if (resume) {
                        run = conn.preparedQuery("""
                                UPDATE sync_runs SET status = 'running', attempt = attempt + CASE WHEN status = 'queued' THEN 0 ELSE 1 END,
                                       retryable = false, error = NULL, finished_at = NULL,
                                       started_at = coalesce(started_at, now()), heartbeat_at = now(),
                                       -- a queued (on-demand) run reads from the watermark as of its start; without one it is full
                                       kind = CASE WHEN status = 'queued' AND $2::timestamptz IS NULL THEN 'full' ELSE kind END,
                                       updated_since = CASE WHEN status = 'queued' AND kind = 'incremental'
                                                            THEN $2::timestamptz - make_interval(secs => $3) ELSE updated_since END
                                WHERE id = $1 RETURNING id
                                """).execute(Tuple.of(runId, a.getOffsetDateTime("sync_watermark"), (double) overlap.toSeconds()))
                                .map(r -> runId);
                    } else {
                        OffsetDateTime watermark = a.getOffsetDateTime("sync_watermark");
                        OffsetDateTime lastFull = a.getOffsetDateTime("last_full");
                        boolean full = watermark == null || lastFull == null
                                || lastFull.toInstant().isBefore(Instant.now().minus(fullEvery));
                        run = conn.preparedQuery("""
                                INSERT INTO sync_runs (org_id, dsp_account_id, kind, trigger, status, started_at, heartbeat_at, updated_since)
                                VALUES ($1::uuid, $2::uuid, $3::text, 'scheduled', 'running', now(), now(),
                                        CASE WHEN $3::text = 'incremental' THEN $4::timestamptz - make_interval(secs => $5) END)
                                RETURNING id
                                """).execute(Tuple.of(orgId, accountId, full ? "full" : "incremental", watermark,
                                        (double) overlap.toSeconds()))
                                .map(r -> r.iterator().next().getUUID("id"));
                    }
                    return run.chain(id -> conn.preparedQuery("""
                            SELECT r.id, r.kind, r.updated_since, r.started_at, r.checkpoint, r.counts, r.pages, r.dsp_wait_ms,
                                   r.write_ms, a.dsp_type::text AS dsp_type,
                                   (SELECT c.updated_at FROM dsp_account_credentials c WHERE c.account_id = a.id) AS credentials_version
                            FROM sync_runs r JOIN dsp_accounts a ON a.id = r.dsp_account_id WHERE r.id = $1
                            """).execute(Tuple.of(id))).map(rs -> {
                        Row r = rs.iterator().next();
                        return new Claim(accountId, orgId, r.getString("dsp_type"), r.getUUID("id"), "full".equals(r.getString("kind")),
                                instant(r.getOffsetDateTime("updated_since")), instant(r.getOffsetDateTime("started_at")),
                                json(r.getValue("checkpoint")), json(r.getValue("counts")), r.getInteger("pages"),
                                r.getLong("dsp_wait_ms"), r.getLong("write_ms"), r.getOffsetDateTime("credentials_version"));
                    });
                }));
    }

    /**
     * Writes one page of one level in one transaction: the lease held, the entities upserted (events for campaigns from
     * the upsert's own result), the ids recorded as seen (full runs), and the run's checkpoint and progress saved, so a
     * crash resumes after the last committed page.
     */
    Uni<Written> writeBatch(Claim claim, String owner, EntityLevel level, List<DspEntity> entities, JsonObject checkpoint,
                           JsonObject counts, int pages, long dspWaitMs, long writeMs) {
        LevelTable table = LevelTable.of(level);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return tx(conn -> holdCurrent(conn, claim, owner)
                .chain(() -> entities.isEmpty() ? Uni.createFrom().item(new Written(0, 0, 0, 0))
                        : upsert(conn, claim, table, entities, now).chain(written -> claim.full()
                        ? conn.preparedQuery("""
                                INSERT INTO sync_seen (run_id, org_id, level, external_id)
                                SELECT $1::uuid, $2::uuid, $3::smallint, x FROM unnest($4::text[]) x ON CONFLICT DO NOTHING
                                """).execute(Tuple.of(claim.runId(), claim.orgId(), (short) level.ordinal(),
                                        entities.stream().map(DspEntity::externalId).toArray(String[]::new)))
                                .map(r -> new Written(written.created(), written.changed(), written.removed(), r.rowCount()))
                        : Uni.createFrom().item(new Written(written.created(), written.changed(), written.removed(), entities.size()))))
                .call(written -> {
                    JsonObject levelCounts = counts.getJsonObject(level.name(), new JsonObject());
                    levelCounts.put("seen", levelCounts.getInteger("seen", 0) + written.seen())
                            .put("created", levelCounts.getInteger("created", 0) + written.created())
                            .put("changed", levelCounts.getInteger("changed", 0) + written.changed())
                            .put("removed", levelCounts.getInteger("removed", 0) + written.removed());
                    counts.put(level.name(), levelCounts);
                    return conn.preparedQuery("""
                            UPDATE sync_runs SET checkpoint = $2::jsonb, counts = $3::jsonb, pages = $4, dsp_wait_ms = $5,
                                   write_ms = $6, heartbeat_at = now()
                            WHERE id = $1
                            """).execute(Tuple.from(List.of(claim.runId(), checkpoint, counts.copy(), pages,
                            dspWaitMs, writeMs)));
                }));
    }

    private Uni<Written> upsert(SqlConnection conn, Claim claim, LevelTable table, List<DspEntity> entities, Instant now) {
        int n = entities.size();
        String[][] columns = new String[LevelTable.input().size()][n];
        for (int k = 0; k < n; k++) {
            DspEntity e = entities.get(k);
            columns[0][k] = e.externalId();
            columns[1][k] = e.parentExternalId();
            columns[2][k] = e.name();
            columns[3][k] = e.status().name().toLowerCase(java.util.Locale.ROOT);
            columns[4][k] = e.nativeStatus();
            columns[5][k] = e.budget() == null ? null : e.budget().amount().toPlainString();
            columns[6][k] = e.budget() == null ? null : e.budget().currency().getCurrencyCode();
            columns[7][k] = e.budgetType();
            columns[8][k] = e.startDate() == null ? null : e.startDate().toString();
            columns[9][k] = e.endDate() == null ? null : e.endDate().toString();
            columns[10][k] = new JsonObject(e.pacing()).encode();
            columns[11][k] = new JsonArray(e.labels()).encode();
            columns[12][k] = new JsonObject(e.attributes()).encode();
            columns[13][k] = e.advertiserId();
            columns[14][k] = e.advertiserName();
            columns[15][k] = e.updatedAt() == null ? null : e.updatedAt().toString();
        }
        List<Object> params = new ArrayList<>(List.of(claim.orgId(), claim.accountId(), claim.dspType(), SOURCE, ACTOR,
                OffsetDateTime.ofInstant(now, ZoneOffset.UTC)));
        params.addAll(List.of((Object[]) columns));
        return conn.preparedQuery(table.upsert).execute(Tuple.from(params)).chain(rows -> {
            int created = 0, changed = 0, removed = 0;
            List<UUID> events = new ArrayList<>();
            for (Row r : rows) {
                switch (r.getString("kind")) {
                    case "created" -> created += r.getInteger("n");
                    case "removed" -> removed += r.getInteger("n");
                    default -> changed += r.getInteger("n");
                }
                UUID[] ids = r.getArrayOfUUIDs("events");
                if (ids != null && events.isEmpty()) {
                    events.addAll(List.of(ids));
                }
            }
            Written written = new Written(created, changed, removed, 0);
            return dropRelayed(conn, events).replaceWith(written);
        });
    }

    /** The outbox rows are relayed from the WAL; deleting them in the same transaction keeps the table empty (see Outbox). */
    private static Uni<Void> dropRelayed(SqlConnection conn, List<UUID> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return conn.preparedQuery("DELETE FROM outbox_event WHERE id = ANY($1)")
                .execute(Tuple.of(events.toArray(UUID[]::new))).replaceWithVoid();
    }

    /**
     * Ends a run that listed everything: for a full run, what it did not see is marked removed (level by level, only if
     * the seen ids survived: a crash of PostgreSQL empties the unlogged table, and then nothing is marked); then the
     * account's outcome, watermark and next time, and its lease released.
     */
    Uni<Void> succeed(Claim claim, String owner, JsonObject counts, long dspWaitMs, long writeMs) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        return tx(conn -> holdCurrent(conn, claim, owner)
                .chain(() -> claim.full() ? markUnseen(conn, claim, counts, at) : Uni.createFrom().voidItem())
                .chain(() -> conn.preparedQuery("""
                        UPDATE sync_runs SET status = 'succeeded', finished_at = now(), counts = $2::jsonb, heartbeat_at = now(),
                               checkpoint = '{"level": "DONE"}'::jsonb, retryable = false, error = NULL, dsp_wait_ms = $3,
                               write_ms = $4
                        WHERE id = $1
                        """).execute(Tuple.of(claim.runId(), counts, dspWaitMs, writeMs)))
                .chain(() -> conn.preparedQuery("DELETE FROM sync_seen WHERE run_id = $1").execute(Tuple.of(claim.runId())))
                .chain(() -> conn.preparedQuery("""
                        UPDATE dsp_accounts SET last_sync_at = now(), last_sync_status = 'succeeded', sync_error = NULL,
                               sync_watermark = $2, next_sync_at = now() + coalesce(make_interval(mins => sync_interval_minutes),
                                                                          make_interval(secs => $3)),
                               sync_failures = 0, sync_lease_owner = NULL, sync_lease_until = NULL
                        WHERE id = $1
                        """).execute(Tuple.of(claim.accountId(), OffsetDateTime.ofInstant(claim.startedAt(), ZoneOffset.UTC),
                        (double) defaultInterval.toSeconds())))
                .replaceWithVoid());
    }

    private Uni<Void> markUnseen(SqlConnection conn, Claim claim, JsonObject counts, OffsetDateTime at) {
        // the seen ids grew from nothing during the run (and the table emptied after the last one): without fresh
        // statistics the planner takes it for empty and probes it once per row of the account (quadratic at 100k rows)
        return conn.query("ANALYZE sync_seen").execute()
                .chain(() -> conn.preparedQuery("SELECT level, count(*)::int AS n FROM sync_seen WHERE run_id = $1 GROUP BY level")
                .execute(Tuple.of(claim.runId()))).chain(rows -> {
                    Map<Integer, Integer> stored = new java.util.HashMap<>();
                    rows.forEach(r -> stored.put((int) r.getShort("level"), r.getInteger("n")));
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    // bottom up, so a removed campaign's children are marked before it
                    for (int k = LevelTable.values().length - 1; k >= 0; k--) {
                        LevelTable table = LevelTable.values()[k];
                        JsonObject levelCounts = counts.getJsonObject(table.level.name(), new JsonObject());
                        int seen = levelCounts.getInteger("seen", 0);
                        if (stored.getOrDefault(k, 0) != seen) {
                            // the seen ids were lost (PostgreSQL restarted): marking now would remove what exists
                            continue;
                        }
                        chain = chain.chain(() -> conn.preparedQuery(table.markUnseen())
                                .execute(Tuple.from(List.of(claim.orgId(), claim.accountId(), claim.runId(), at, SOURCE, ACTOR)))
                                .chain(result -> {
                                    Row r = result.iterator().next();
                                    levelCounts.put("removed", levelCounts.getInteger("removed", 0) + r.getInteger("n"));
                                    counts.put(table.level.name(), levelCounts);
                                    UUID[] ids = r.getArrayOfUUIDs("events");
                                    return dropRelayed(conn, ids == null ? List.of() : List.of(ids));
                                }));
                    }
                    return chain;
                });
    }

    /**
     * Ends a run that failed. Transient: the run keeps its checkpoint and the account is retried after {@code retryIn},
     * resuming it. Permanent: the account is blocked until it is changed (new credentials, reactivated).
     */
    Uni<Void> fail(Claim claim, String owner, boolean transientFailure, String error, Duration retryIn) {
        return tx(conn -> holdLease(conn, claim.accountId(), owner)
                .chain(() -> conn.preparedQuery("""
                        UPDATE sync_runs SET status = 'failed', finished_at = now(), error = $2, retryable = $3, heartbeat_at = now()
                        WHERE id = $1
                        """).execute(Tuple.of(claim.runId(), error, transientFailure)))
                .chain(() -> conn.preparedQuery("""
                        UPDATE dsp_accounts SET last_sync_at = now(), last_sync_status = 'failed', sync_error = $2,
                               sync_failures = sync_failures + 1, sync_blocked = NOT $3::boolean,
                               next_sync_at = CASE WHEN $3::boolean THEN now() + make_interval(secs => $4) ELSE next_sync_at END,
                               sync_lease_owner = NULL, sync_lease_until = NULL
                        WHERE id = $1
                        """).execute(Tuple.of(claim.accountId(), error, transientFailure, (double) retryIn.toMillis() / 1000)))
                .replaceWithVoid());
    }

    /** Transient failures in a row before this one: the next attempt's backoff grows with them. */
    Uni<Integer> failures(UUID accountId) {
        return tx(conn -> conn.preparedQuery("SELECT sync_failures FROM dsp_accounts WHERE id = $1").execute(Tuple.of(accountId))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next().getInteger("sync_failures") : 0));
    }

    /**
     * Extends the lease while the run works and the account is as the run began it: LOST when the lease was lost,
     * SUPERSEDED when the account was disabled or its credentials replaced (the run must stop either way).
     */
    Uni<Beat> heartbeat(Claim claim, String owner, Duration lease) {
        return bookkeeping(conn -> conn.preparedQuery("""
                UPDATE dsp_accounts a SET sync_lease_until = now() + make_interval(secs => $3)
                WHERE id = $1 AND sync_lease_owner = $2 AND sync_lease_until > now()
                RETURNING a.is_active AND (SELECT c.updated_at FROM dsp_account_credentials c WHERE c.account_id = a.id)
                                          IS NOT DISTINCT FROM $4::timestamptz AS current
                """).execute(Tuple.of(claim.accountId(), owner, (double) lease.toSeconds(), claim.credentialsVersion()))
                // only a run this worker still holds, and only while it runs (an update of a finished one could fill its final_counts)
                .call(rows -> rows.rowCount() == 0 ? Uni.createFrom().voidItem() : conn.preparedQuery(
                        "UPDATE sync_runs SET heartbeat_at = now() WHERE id = $1 AND status = 'running'").execute(Tuple.of(claim.runId())))
                .map(rows -> rows.rowCount() == 0 ? Beat.LOST
                        : Boolean.TRUE.equals(rows.iterator().next().getBoolean("current")) ? Beat.RENEWED : Beat.SUPERSEDED));
    }

    /**
     * Ends a run whose account changed under it (disabled, new credentials): cancelled, not a failure of the account; the
     * lease released and the account due again (a disabled one is not claimed until it is reactivated).
     */
    Uni<Void> cancel(Claim claim, String owner, String reason) {
        return tx(conn -> holdLease(conn, claim.accountId(), owner)
                .chain(() -> conn.preparedQuery("""
                        UPDATE sync_runs SET status = 'cancelled', finished_at = now(), error = $2, retryable = false, heartbeat_at = now()
                        WHERE id = $1
                        """).execute(Tuple.of(claim.runId(), reason)))
                .chain(() -> conn.preparedQuery("""
                        UPDATE dsp_accounts SET next_sync_at = now(), sync_lease_owner = NULL, sync_lease_until = NULL WHERE id = $1
                        """).execute(Tuple.of(claim.accountId())))
                .replaceWithVoid());
    }

    /**
     * Lets go of a lease whose run could not even begin, and retries the account after {@code retryIn} (counted as a
     * failure, so the backoff grows) rather than at the next tick.
     */
    Uni<Void> postpone(UUID accountId, String owner, Duration retryIn) {
        return tx(conn -> conn.preparedQuery("""
                UPDATE dsp_accounts SET sync_lease_owner = NULL, sync_lease_until = NULL, sync_failures = sync_failures + 1,
                       next_sync_at = now() + make_interval(secs => $3)
                WHERE id = $1 AND sync_lease_owner = $2
                """).execute(Tuple.of(accountId, owner, (double) retryIn.toMillis() / 1000)).replaceWithVoid());
    }

    /** Lets go of a lease without ending the run (the instance stops): another instance may resume it at once. */
    Uni<Void> release(UUID accountId, String owner) {
        return tx(conn -> conn.preparedQuery("""
                UPDATE dsp_accounts SET sync_lease_owner = NULL, sync_lease_until = NULL WHERE id = $1 AND sync_lease_owner = $2
                """).execute(Tuple.of(accountId, owner)).replaceWithVoid());
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static JsonObject json(Object value) {
        if (value instanceof JsonObject o) {
            return o.copy();
        }
        // a run written before the columns were bound as JSON objects holds its JSON as a string value
        return value == null ? new JsonObject() : new JsonObject(value.toString());
    }
}
