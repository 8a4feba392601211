package io.clp.pipeline.schedule;

import io.clp.pipeline.execution.ExecutionWindow;
import io.clp.pipeline.execution.Executions;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns due pipelines into pending scheduled executions, on the reactive pool and in plain SQL, in one transaction per
 * batch: the due rows are locked ({@code FOR NO KEY UPDATE SKIP LOCKED}, so another instance's tick passes them by) for as long
 * as the transaction that creates their executions and advances their next run. Each pipeline gets one execution, for
 * the latest tick at or before now, and its next run is the first tick after now: ticks missed while no scheduler ran
 * collapse into that one execution, whose window runs from the oldest missed tick's window start to the latest one's
 * end (at most 366 days). The unique tick index makes a second execution for the same tick impossible, whoever inserts it.
 */
@ApplicationScoped
public class ScheduledRuns {

    private static final Logger LOG = Logger.getLogger(ScheduledRuns.class);

    static final String ACTOR = "system:pipeline";
    /**
     * The transaction's scope, and its statement and lock timeouts ({@code SET LOCAL}): a batch never waits without end
     * on a lock or a slow statement, it fails and the next tick tries again.
     */
    private static final String SCOPE = "SELECT set_config('clp.scope', 'system', true), "
            + "set_config('statement_timeout', $1, true), set_config('lock_timeout', $2, true)";
    private static final String STAMP = """
            INSERT INTO transaction_context (id, tx_id, actor, user_id, actor_name, request_id, service, created_at)
            VALUES (gen_random_uuid(), pg_current_xact_id()::text::bigint % 4294967296, $1, NULL, 'pipeline', NULL, 'pipeline', now())
            """;
    private static final String DUE = """
            SELECT id, schedule_type, schedule_cron, schedule_interval_minutes, schedule_timezone, lookback_days,
                   next_run_at, now() AS now
            FROM pipelines
            WHERE status = 'active' AND is_active AND next_run_at <= now()
              -- fail closed: an organization that is suspended, deleted or unknown to this service gets no new work
              AND EXISTS (SELECT 1 FROM organization_refs o WHERE o.org_id = pipelines.org_id AND o.status IN ('trial', 'active'))
            ORDER BY next_run_at
            LIMIT $1
            -- not FOR UPDATE: an execution being inserted for the pipeline holds FOR KEY SHARE on it (its foreign key),
            -- which FOR UPDATE SKIP LOCKED would take for another scheduler's claim and pass the pipeline by
            FOR NO KEY UPDATE SKIP LOCKED
            """;
    /**
     * One statement for the batch: the executions (a tick that already has one is left alone) and each pipeline's next
     * run, execution count and last execution.
     */
    private static final String START = """
            WITH due AS (
                SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::date[], $4::date[], $5::timestamptz[])
                    AS d(pipeline_id, tick, data_from, data_to, next_run_at)),
            created AS (
                INSERT INTO etl_executions (pipeline_id, org_id, execution_type, status, scheduled_at, data_from, data_to, config)
                SELECT p.id, p.org_id, 'scheduled', 'pending', due.tick, due.data_from, due.data_to, %s
                FROM due JOIN pipelines p ON p.id = due.pipeline_id
                ON CONFLICT (pipeline_id, scheduled_at) WHERE execution_type = 'scheduled' DO NOTHING
                RETURNING id, pipeline_id)
            UPDATE pipelines p
            SET next_run_at = due.next_run_at,
                total_executions = p.total_executions + CASE WHEN created.id IS NULL THEN 0 ELSE 1 END,
                last_execution_id = coalesce(created.id, p.last_execution_id)
            FROM due LEFT JOIN created ON created.pipeline_id = due.pipeline_id
            WHERE p.id = due.pipeline_id
            RETURNING created.id
            """.formatted(Executions.SNAPSHOT);
    /** A stored schedule the service cannot read (edited by hand) stops the pipeline, with the reason, until it is fixed. */
    private static final String FAIL = """
            UPDATE pipelines p SET status = 'failed', status_reason = bad.reason, next_run_at = NULL
            FROM unnest($1::uuid[], $2::text[]) AS bad(id, reason)
            WHERE p.id = bad.id
            """;

    private final Pool pool;
    private final String statementTimeout;
    private final String lockTimeout;

    ScheduledRuns(Pool pool,
                  @ConfigProperty(name = "clp.pipelines.scheduler.statement-timeout", defaultValue = "30s") Duration statementTimeout,
                  @ConfigProperty(name = "clp.pipelines.scheduler.lock-timeout", defaultValue = "5s") Duration lockTimeout) {
        this.pool = pool;
        this.statementTimeout = statementTimeout.toMillis() + "ms";
        this.lockTimeout = lockTimeout.toMillis() + "ms";
    }

    /** What one batch did. */
    public record Batch(int claimed, int created, int failed) {
    }

    /** Claims up to {@code limit} due pipelines and starts their executions, in one transaction. */
    public Uni<Batch> startDue(int limit) {
        return pool.withTransaction(conn -> conn.preparedQuery(SCOPE).execute(Tuple.of(statementTimeout, lockTimeout))
                .chain(() -> conn.preparedQuery(DUE).execute(Tuple.of(limit)))
                .chain(rows -> {
                    List<Row> due = new ArrayList<>();
                    rows.forEach(due::add);
                    if (due.isEmpty()) {
                        return Uni.createFrom().item(new Batch(0, 0, 0));
                    }
                    return conn.preparedQuery(STAMP).execute(Tuple.of(ACTOR)).chain(() -> start(conn, due));
                }));
    }

    private static Uni<Batch> start(SqlConnection conn, List<Row> due) {
        List<UUID> ids = new ArrayList<>();
        List<OffsetDateTime> ticks = new ArrayList<>();
        List<LocalDate> froms = new ArrayList<>();
        List<LocalDate> tos = new ArrayList<>();
        List<OffsetDateTime> nexts = new ArrayList<>();
        List<UUID> badIds = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (Row row : due) {
            UUID id = row.getUUID("id");
            Instant tick = row.getOffsetDateTime("next_run_at").toInstant();
            Instant now = row.getOffsetDateTime("now").toInstant();
            Schedule schedule;
            Optional<Instant> next;
            ExecutionWindow window;
            Instant latest;
            try {
                schedule = Schedule.of(row.getString("schedule_type"), row.getString("schedule_cron"),
                        row.getInteger("schedule_interval_minutes"), row.getString("schedule_timezone"));
                next = schedule.nextAfter(now, tick);
                latest = schedule.latestAtOrBefore(tick, now);
                window = ExecutionWindow.forTicks(tick, latest, schedule.zone(), row.getInteger("lookback_days"));
            } catch (RuntimeException e) {
                LOG.warnf("pipeline %s has a stored schedule that cannot be read (%s): set to failed", id, e.getMessage());
                badIds.add(id);
                reasons.add("the stored schedule is not valid: " + e.getMessage());
                continue;
            }
            if (next.isEmpty()) {
                LOG.warnf("pipeline %s was due but its stored %s schedule has no next run: set to failed", id, schedule.type().label());
                badIds.add(id);
                reasons.add("the stored schedule is " + schedule.type().label() + ", which has no next run, but a run was due");
                continue;
            }
            ids.add(id);
            ticks.add(latest.atOffset(ZoneOffset.UTC));
            froms.add(window.from());
            tos.add(window.to());
            nexts.add(next.get().atOffset(ZoneOffset.UTC));
        }
        Uni<Integer> failed = badIds.isEmpty() ? Uni.createFrom().item(0)
                : conn.preparedQuery(FAIL).execute(Tuple.of(badIds.toArray(UUID[]::new), reasons.toArray(String[]::new)))
                        .map(r -> r.rowCount());
        Uni<Integer> created = ids.isEmpty() ? Uni.createFrom().item(0)
                : conn.preparedQuery(START).execute(Tuple.of(ids.toArray(UUID[]::new),
                                ticks.toArray(OffsetDateTime[]::new), froms.toArray(LocalDate[]::new),
                                tos.toArray(LocalDate[]::new), nexts.toArray(OffsetDateTime[]::new)))
                        .map(rows -> {
                            int n = 0;
                            for (Row r : rows) {
                                if (r.getUUID(0) != null) {
                                    n++;
                                }
                            }
                            return n;
                        });
        return failed.chain(f -> created.map(c -> new Batch(due.size(), c, f)));
    }
}
