package io.clp.campaign.pacing;

import io.clp.campaign.work.EachOrganization;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Every {@code clp.pacing.snapshot-every}, snapshots the pacing of every organization's live flights (one transaction
 * per organization; an organization snapshotted by another instance within half the interval is skipped), then drops
 * the month partitions older than {@code clp.pacing.retention-months}. A failed organization is logged and tried at
 * the next tick.
 */
@ApplicationScoped
class PacingScheduler {

    private static final Logger LOG = Logger.getLogger(PacingScheduler.class);
    private static final String SCOPE = "SELECT set_config('clp.scope', 'system', true)";
    /** Organizations with a flight live today in some time zone. */
    private static final String LIVE = """
            SELECT org_id FROM campaigns WHERE removed_at IS NULL AND budget IS NOT NULL AND start_date <= $2 AND end_date >= $1
            UNION
            SELECT org_id FROM insertion_orders WHERE removed_at IS NULL AND budget IS NOT NULL AND start_date <= $2 AND end_date >= $1
            UNION
            SELECT org_id FROM line_items WHERE removed_at IS NULL AND budget IS NOT NULL AND start_date <= $2 AND end_date >= $1
            """;
    private static final String LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('clp.pacing'), hashtext($1::text)) AS locked";
    private static final String RECENT = """
            SELECT EXISTS (SELECT 1 FROM pacing_snapshots WHERE org_id = $1 AND trigger = 'schedule'
                                                            AND snapshot_at > now() - make_interval(secs => $2)) AS recent
            """;
    private static final String RETENTION = "SELECT clp_drop_pacing_partitions($1) AS dropped";

    private final Pool pool;
    private final PacingSnapshots snapshots;
    private final Duration every;
    private final int retentionMonths;

    PacingScheduler(Pool pool, PacingSnapshots snapshots, @ConfigProperty(name = "clp.pacing.snapshot-every", defaultValue = "1h") Duration every,
                    @ConfigProperty(name = "clp.pacing.retention-months", defaultValue = "13") int retentionMonths) {
        this.pool = pool;
        this.snapshots = snapshots;
        this.every = every;
        this.retentionMonths = retentionMonths;
    }

    @Scheduled(identity = "campaign-pacing", every = "${clp.pacing.snapshot-every:1h}", delayed = "${clp.pacing.snapshot-delay:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return snapshotAll().onFailure().invoke(e -> LOG.warnf("pacing: scheduled snapshots failed: %s", e.toString()))
                .onFailure().recoverWithItem(0)
                .chain(() -> pool.withTransaction(conn -> conn.preparedQuery(RETENTION).execute(Tuple.of(retentionMonths))))
                .onFailure().invoke(e -> LOG.warnf("pacing: dropping old snapshots failed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Snapshots every organization with a live flight; returns how many rows. */
    Uni<Integer> snapshotAll() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        // any time zone's today lies within a day of UTC's
        LocalDate from = today.minusDays(2);
        LocalDate to = today.plusDays(1);
        return snapshots.ensurePartition()
                .chain(() -> EachOrganization.run(pool, LIVE, Tuple.of(from, to), org -> snapshot(org, from, to),
                        (org, e) -> LOG.warnf("pacing: organization %s not snapshotted: %s", org, e.toString())));
    }

    private Uni<Integer> snapshot(UUID orgId, LocalDate from, LocalDate to) {
        return pool.withTransaction(conn -> conn.query(SCOPE).execute()
                .chain(() -> conn.preparedQuery(LOCK).execute(Tuple.of(orgId.toString())))
                .chain(locked -> !locked.iterator().next().getBoolean("locked") ? Uni.createFrom().item(true)
                        : conn.preparedQuery(RECENT).execute(Tuple.of(orgId, every.toSeconds() / 2.0))
                                .map(r -> r.iterator().next().getBoolean("recent")))
                .chain(skip -> skip ? Uni.createFrom().item(0) : snapshots.take(conn, orgId, "schedule", from, to)));
    }
}
