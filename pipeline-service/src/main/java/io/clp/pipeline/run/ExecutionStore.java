package io.clp.pipeline.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.events.pipeline.ExecutionCancelled;
import io.clp.events.pipeline.ExecutionCompleted;
import io.clp.events.pipeline.ExecutionEvent;
import io.clp.events.pipeline.ExecutionFailed;
import io.clp.pipeline.pipeline.Retry;
import io.clp.platform.outbox.Outbox;
import io.clp.platform.tx.Actor;
import io.clp.platform.tx.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The executor's SQL on {@code etl_executions}: claims, the lease and its heartbeat, progress, per-stage bookkeeping and
 * how an execution ends (with its lifecycle event through the outbox, and the pipeline's counters). Every write to a
 * running execution holds only while its lease does ({@code lease_owner} is the caller and {@code lease_until} not
 * passed): a worker whose lease was lost changes nothing more. Writes that change what the audit trail captures are
 * attributed to {@code system:pipeline}; heartbeats and progress write only columns change data capture leaves out and
 * record no transaction context. Methods block: call them from a worker (virtual) thread, never the event loop.
 */
@ApplicationScoped
public class ExecutionStore {

    /** The lease is held: the caller owns it and it has not expired. */
    private static final String HELD = "e.id = ?1 AND e.lease_owner = ?2 AND e.lease_until > now() AND e.status = 'running'";

    /**
     * Pipelines with an execution the executor may start now, locked so that one claimer at a time decides for each
     * (another passes it by): not deleted, of an organization that may work, with a due pending execution that its
     * limits let run (one manual or scheduled run at a time; backfills up to their snapshot's backfillConcurrency). A
     * scheduled execution runs only while its pipeline is active; a manual or backfill one whatever its status, as
     * run-now and backfill accept.
     */
    private static final String LOCK_PIPELINES = """
            SELECT p.id::text FROM pipelines p
            WHERE p.is_active
              AND EXISTS (SELECT 1 FROM organization_refs o WHERE o.org_id = p.org_id AND o.status IN ('trial', 'active'))
              AND (CAST(?2 AS text) IS NULL OR p.id = ANY (CAST(string_to_array(CAST(?2 AS text), ',') AS uuid[])))
              AND (EXISTS (SELECT 1 FROM etl_executions e
                           WHERE e.pipeline_id = p.id AND e.status = 'pending' AND coalesce(e.not_before, e.created_at) <= now()
                             AND (e.execution_type = 'manual' OR (e.execution_type = 'scheduled' AND p.status = 'active')))
                   AND NOT EXISTS (SELECT 1 FROM etl_executions e
                                   WHERE e.pipeline_id = p.id AND e.status = 'running' AND e.execution_type <> 'backfill')
                   OR EXISTS (SELECT 1 FROM etl_executions e
                              WHERE e.pipeline_id = p.id AND e.status = 'pending' AND e.execution_type = 'backfill'
                                AND coalesce(e.not_before, e.created_at) <= now()
                                AND (SELECT count(*) FROM etl_executions r
                                     WHERE r.pipeline_id = p.id AND r.status = 'running' AND r.execution_type = 'backfill')
                                    < greatest(coalesce(CAST(e.config ->> 'backfillConcurrency' AS integer), 1), 1)))
            ORDER BY (SELECT min(coalesce(e.not_before, e.created_at)) FROM etl_executions e
                      WHERE e.pipeline_id = p.id AND e.status = 'pending')
            LIMIT ?1
            FOR NO KEY UPDATE OF p SKIP LOCKED
            """;
    /** An execution as its executor takes it (a {@link Claim}), from the row {@code e}; %s adds a field. */
    private static final String CLAIMED = """
            jsonb_build_object('id', e.id, 'organizationId', e.org_id, 'pipelineId', e.pipeline_id,
                               'executionType', e.execution_type, 'config', e.config, 'from', e.data_from,
                               'to', e.data_to, 'attempt', e.attempt, 'bronze', e.bronze_status,
                               'silver', e.silver_status, 'gold', e.gold_status, 'startedAt', e.started_at,
                               'leaseOwner', e.lease_owner, %s)::text""";
    /**
     * The executions to start among the locked pipelines', as their limits allow, marked running under this owner's
     * lease. A statement of its own after the lock, so that it sees what the previous holder of the lock committed.
     */
    private static final String CLAIM = """
            WITH locked AS (SELECT CAST(unnest(string_to_array(CAST(?4 AS text), ',')) AS uuid) AS id),
            running AS (
                SELECT e.pipeline_id, count(*) FILTER (WHERE e.execution_type = 'backfill') AS backfills,
                       count(*) FILTER (WHERE e.execution_type <> 'backfill') AS runs
                FROM etl_executions e JOIN locked l ON l.id = e.pipeline_id
                WHERE e.status = 'running' GROUP BY e.pipeline_id),
            ranked AS (
                SELECT e.id, e.execution_type = 'backfill' AS backfill, coalesce(e.not_before, e.created_at) AS due,
                       row_number() OVER (PARTITION BY e.pipeline_id, e.execution_type = 'backfill'
                                          ORDER BY coalesce(e.not_before, e.created_at), e.data_from, e.id) AS n,
                       coalesce(r.backfills, 0) AS backfills, coalesce(r.runs, 0) AS runs,
                       greatest(coalesce(CAST(e.config ->> 'backfillConcurrency' AS integer), 1), 1) AS concurrency
                FROM etl_executions e JOIN locked l ON l.id = e.pipeline_id JOIN pipelines p ON p.id = e.pipeline_id
                LEFT JOIN running r ON r.pipeline_id = e.pipeline_id
                WHERE e.status = 'pending' AND coalesce(e.not_before, e.created_at) <= now()
                  AND (e.execution_type <> 'scheduled' OR p.status = 'active')),
            chosen AS (
                SELECT id FROM ranked
                WHERE CASE WHEN backfill THEN backfills + n <= concurrency ELSE runs + n <= 1 END
                ORDER BY due LIMIT ?3)
            UPDATE etl_executions e
            SET status = 'running', lease_owner = ?1 || '/' || gen_random_uuid(), lease_until = now() + make_interval(secs => ?2),
                heartbeat_at = now(),
                started_at = coalesce(e.started_at, now()), not_before = NULL,
                progress_stage = NULL, progress_rows = NULL, progress_at = NULL
            FROM chosen WHERE e.id = chosen.id AND e.status = 'pending'
            RETURNING %s
            """.formatted(CLAIMED.formatted("'templateConfig', (SELECT t.config FROM templates t "
                                            + "WHERE t.id = CAST(e.config ->> 'templateId' AS uuid))"));
    private static final String HEARTBEAT = """
            UPDATE etl_executions e SET lease_until = now() + make_interval(secs => ?3), heartbeat_at = now()
            WHERE %s RETURNING (e.cancel_requested_at IS NOT NULL)::text
            """.formatted(HELD);
    private static final String PROGRESS = """
            UPDATE etl_executions e SET progress_stage = ?3, progress_rows = ?4, progress_at = now()
            WHERE %s RETURNING (e.cancel_requested_at IS NOT NULL)::text
            """.formatted(HELD);
    /** What an ended execution's event needs, from the row {@code e} as updated. */
    private static final String ENDED = """
            jsonb_build_object('startedAt', e.started_at, 'completedAt', e.completed_at,
                               'processed', e.total_records_processed, 'failed', e.total_records_failed,
                               'durationMs', e.total_duration_ms)::text
            """;
    /** Completed: ended, counted, its event's fields; {@code %s} is which row (the held lease, or the reaper's). */
    private static final String COMPLETED = """
            WITH done AS (
                UPDATE etl_executions e
                SET status = 'completed', completed_at = now(), lease_owner = NULL, lease_until = NULL, not_before = NULL,
                    progress_stage = NULL, progress_rows = NULL, progress_at = NULL, error_message = NULL, error_details = NULL,
                    total_records_processed = coalesce(e.bronze_records, 0),
                    total_records_failed = coalesce(e.silver_records_filtered, 0),
                    total_duration_ms = coalesce(e.bronze_duration_ms, 0) + coalesce(e.silver_duration_ms, 0)
                                        + coalesce(e.gold_duration_ms, 0)
                WHERE %%s
                RETURNING e.*),
            counted AS (
                UPDATE pipelines p SET successful_executions = p.successful_executions + 1, last_run_at = done.completed_at,
                                       last_run_status = 'completed'
                FROM done WHERE p.id = done.pipeline_id)
            SELECT %s FROM done e
            """.formatted(ENDED);
    private static final String COMPLETE = COMPLETED.formatted(HELD);
    /**
     * An execution whose stages all completed but whose executor stopped before it could end it (its lease expired
     * between gold's commit and the completion): the reaper completes it, as its executor would have.
     */
    private static final String REAP_COMPLETE = COMPLETED.formatted("e.id = ?1 AND e.status = 'running' AND e.lease_until < now()");
    /** ?3 the stage's status column, set to ?4; ?5 error message, ?6 error details. */
    private static final String FAIL = """
            WITH done AS (
                UPDATE etl_executions e
                SET status = 'failed', completed_at = now(), lease_owner = NULL, lease_until = NULL, not_before = NULL,
                    progress_stage = NULL, progress_rows = NULL, progress_at = NULL,
                    %%s error_message = ?3, error_details = CAST(CAST(?4 AS text) AS jsonb),
                    total_records_processed = coalesce(e.bronze_records, 0),
                    total_records_failed = coalesce(e.silver_records_filtered, 0),
                    total_duration_ms = coalesce(e.bronze_duration_ms, 0) + coalesce(e.silver_duration_ms, 0)
                                        + coalesce(e.gold_duration_ms, 0)
                WHERE %s
                RETURNING e.*),
            counted AS (
                UPDATE pipelines p SET failed_executions = p.failed_executions + 1, last_run_at = done.completed_at,
                                       last_run_status = 'failed'
                FROM done WHERE p.id = done.pipeline_id)
            SELECT %s FROM done e
            """.formatted(HELD, ENDED);
    private static final String RETRY_LATER = """
            UPDATE etl_executions e
            SET status = 'pending', not_before = now() + make_interval(secs => ?5), attempt = e.attempt + 1,
                retry_count = e.retry_count + 1, lease_owner = NULL, lease_until = NULL,
                progress_stage = NULL, progress_rows = NULL, progress_at = NULL,
                %%s error_message = ?3, error_details = CAST(CAST(?4 AS text) AS jsonb)
            WHERE %s AND e.cancel_requested_at IS NULL
            RETURNING e.id::text
            """.formatted(HELD);
    private static final String CANCEL = """
            WITH done AS (
                UPDATE etl_executions e
                SET status = 'cancelled', completed_at = now(), lease_owner = NULL, lease_until = NULL, not_before = NULL,
                    progress_stage = NULL, progress_rows = NULL, progress_at = NULL, %%s
                    total_duration_ms = coalesce(e.bronze_duration_ms, 0) + coalesce(e.silver_duration_ms, 0)
                                        + coalesce(e.gold_duration_ms, 0)
                WHERE %s AND e.cancel_requested_at IS NOT NULL
                RETURNING e.*),
            counted AS (
                UPDATE pipelines p SET last_run_at = done.completed_at, last_run_status = 'cancelled'
                FROM done WHERE p.id = done.pipeline_id)
            SELECT %s FROM done e
            """.formatted(HELD, ENDED);
    /**
     * Running executions whose lease expired (their executor stopped without ending them), locked so that a stage
     * committing under its lease ({@link RunContext#HOLD_LEASE}) is passed by until it commits.
     */
    private static final String EXPIRED = """
            SELECT %s
            FROM etl_executions e
            WHERE e.status = 'running' AND e.lease_until < now()
              AND (CAST(?2 AS text) IS NULL OR e.pipeline_id = ANY (CAST(string_to_array(CAST(?2 AS text), ',') AS uuid[])))
            ORDER BY e.lease_until
            LIMIT ?1
            FOR NO KEY UPDATE SKIP LOCKED
            """.formatted(CLAIMED.formatted("'cancelRequested', e.cancel_requested_at IS NOT NULL"));
    private static final String REAP_RESUME = """
            UPDATE etl_executions e
            SET status = 'pending', not_before = now(), attempt = e.attempt + 1, retry_count = e.retry_count + 1,
                lease_owner = NULL, lease_until = NULL, progress_stage = NULL, progress_rows = NULL, progress_at = NULL,
                error_message = ?2, error_details = CAST(CAST(?3 AS text) AS jsonb)
            WHERE e.id = ?1 AND e.status = 'running' AND e.lease_until < now()
            RETURNING e.id::text
            """;
    private static final String REAP_END = """
            WITH done AS (
                UPDATE etl_executions e
                SET status = ?2, completed_at = now(), lease_owner = NULL, lease_until = NULL, not_before = NULL,
                    progress_stage = NULL, progress_rows = NULL, progress_at = NULL,
                    error_message = CASE WHEN ?2 = 'failed' THEN ?3 ELSE e.error_message END,
                    error_details = CASE WHEN ?2 = 'failed' THEN CAST(CAST(?4 AS text) AS jsonb) ELSE e.error_details END
                WHERE e.id = ?1 AND e.status = 'running' AND e.lease_until < now()
                RETURNING e.*),
            counted AS (
                UPDATE pipelines p SET failed_executions = p.failed_executions + CASE WHEN ?2 = 'failed' THEN 1 ELSE 0 END,
                                       last_run_at = done.completed_at, last_run_status = ?2
                FROM done WHERE p.id = done.pipeline_id)
            SELECT %s FROM done e
            """.formatted(ENDED);

    private final Transactions transactions;
    private final Actor actor;
    private final Outbox outbox;
    private final ObjectMapper json;

    ExecutionStore(Transactions transactions, Actor actor, Outbox outbox, ObjectMapper json) {
        this.transactions = transactions;
        this.actor = actor;
        this.outbox = outbox;
        this.json = json;
    }

    /**
     * An execution as its executor took it. {@code bronze}, {@code silver}, {@code gold}: each stage's status so far.
     * {@code leaseOwner} is this claim's own: the executor's id and a token drawn for the claim, so that a run of an
     * earlier claim of the same execution by the same instance (its heartbeat stalled, its lease expired, the reaper
     * handed the execution back and the instance claimed it again) holds nothing any more and commits nothing.
     */
    public record Claim(UUID id, UUID organizationId, UUID pipelineId, String executionType, JsonNode config,
                        LocalDate from, LocalDate to, int attempt, String bronze, String silver, String gold,
                        OffsetDateTime startedAt, boolean cancelRequested, JsonNode templateConfig, String leaseOwner) {

        boolean completed(Stage stage) {
            return "completed".equals(switch (stage) {
                case BRONZE -> bronze;
                case SILVER -> silver;
                case GOLD -> gold;
            });
        }

        /** The DSP account the execution reads, from its snapshot. */
        UUID dspAccountId() {
            JsonNode id = config == null ? null : config.path("dspAccountId");
            return id == null || !id.isTextual() ? null : UUID.fromString(id.asText());
        }

        /** The retry configuration as the execution's snapshot has it, defaults for what it lacks. */
        Retry retry() {
            JsonNode retry = config == null ? null : config.path("retry");
            Integer attempts = retry != null && retry.path("maxAttempts").isInt() ? retry.path("maxAttempts").asInt() : null;
            Integer backoff = retry != null && retry.path("backoffSeconds").isInt() ? retry.path("backoffSeconds").asInt() : null;
            return new Retry(attempts != null ? attempts : Retry.DEFAULT.maxAttempts(),
                    backoff != null ? backoff : Retry.DEFAULT.backoffSeconds());
        }
    }

    /** What an ended execution's row says. */
    record Ended(OffsetDateTime startedAt, OffsetDateTime completedAt, Long processed, Long failed, Long durationMs) {
    }

    /** What a heartbeat or a progress write found. */
    enum Beat { HELD, CANCEL_REQUESTED, LOST }

    /**
     * Claims up to {@code limit} executions for {@code owner} with a lease of {@code lease}, only of the given pipelines
     * when {@code onlyPipelines} is not null.
     */
    List<Claim> claim(String owner, Duration lease, int limit, Collection<UUID> onlyPipelines) {
        if (limit <= 0) {
            return List.of();
        }
        String only = ids(onlyPipelines);
        return await(() -> transactions.scoped(() -> session()
                .chain(s -> s.createNativeQuery(LOCK_PIPELINES, String.class).setParameter(1, limit).setParameter(2, only)
                        .getResultList())
                .chain(locked -> locked.isEmpty() ? Uni.createFrom().item(List.<String>of())
                        : transactions.attribute(actor.service()).chain(() -> session())
                                .chain(s -> s.createNativeQuery(CLAIM, String.class).setParameter(1, owner)
                                        .setParameter(2, (double) lease.toSeconds()).setParameter(3, limit)
                                        .setParameter(4, String.join(",", locked)).getResultList()))))
                .stream().map(row -> read(row, Claim.class)).toList();
    }

    Beat heartbeat(UUID id, String owner, Duration lease) {
        List<String> rows = await(() -> transactions.scoped(() -> session()
                .chain(s -> s.createNativeQuery(HEARTBEAT, String.class).setParameter(1, id).setParameter(2, owner)
                        .setParameter(3, (double) lease.toSeconds()).getResultList())));
        return beat(rows);
    }

    Beat progress(UUID id, String owner, Stage stage, long rows) {
        List<String> found = await(() -> transactions.scoped(() -> session()
                .chain(s -> s.createNativeQuery(PROGRESS, String.class).setParameter(1, id).setParameter(2, owner)
                        .setParameter(3, stage.label).setParameter(4, rows).getResultList())));
        return beat(found);
    }

    private static Beat beat(List<String> rows) {
        if (rows.isEmpty()) {
            return Beat.LOST;
        }
        return "true".equals(rows.get(0)) ? Beat.CANCEL_REQUESTED : Beat.HELD;
    }

    /** The stage starts: its status running, progress at 0 rows. False: the lease is lost. */
    boolean startStage(UUID id, String owner, Stage stage) {
        String sql = "UPDATE etl_executions e SET " + stage.label + "_status = 'running', progress_stage = ?3, "
                + "progress_rows = 0, progress_at = now() WHERE " + HELD;
        return write(() -> session().chain(s -> s.createNativeQuery(sql).setParameter(1, id).setParameter(2, owner)
                .setParameter(3, stage.label).executeUpdate())) > 0;
    }

    /** The stage completed with its result. False: the lease is lost (nothing was written). */
    boolean endStage(UUID id, String owner, Stage stage, StageResult result, long durationMs) {
        String set = switch (stage) {
            case BRONZE -> "bronze_records = ?3, bronze_size_bytes = ?4, bronze_duration_ms = ?5";
            case SILVER -> "silver_records = ?3, silver_records_filtered = ?4, silver_duration_ms = ?5";
            case GOLD -> "gold_records = ?3, gold_tables_updated = coalesce(CAST(CAST(?4 AS text) AS jsonb), e.gold_tables_updated), "
                    + "gold_duration_ms = ?5";
        };
        String sql = "UPDATE etl_executions e SET " + stage.label + "_status = 'completed', " + set + " WHERE " + HELD;
        Object tables = result.details() == null ? null : result.details().get("tablesUpdated");
        Object fourth = switch (stage) {
            case BRONZE -> result.bytes();
            case SILVER -> result.filtered();
            case GOLD -> tables == null ? null : write(tables);
        };
        int duration = (int) Math.min(Integer.MAX_VALUE, durationMs);
        return write(() -> session().chain(s -> s.createNativeQuery(sql).setParameter(1, id).setParameter(2, owner)
                .setParameter(3, result.records()).setParameter(4, fourth).setParameter(5, duration).executeUpdate())) > 0;
    }

    /** Completed: totals, the pipeline's counters and last run, and the event. Null: the lease is lost. */
    Ended complete(Claim claim, String owner) {
        return write(() -> session()
                .chain(s -> s.createNativeQuery(COMPLETE, String.class).setParameter(1, claim.id()).setParameter(2, owner)
                        .getResultList())
                .chain(rows -> rows.isEmpty() ? Uni.createFrom().nullItem()
                        : publish(ended(rows.get(0)), ended -> completed(claim, ended))));
    }

    private static ExecutionCompleted completed(Claim claim, Ended ended) {
        return new ExecutionCompleted(claim.id(), claim.organizationId(), claim.pipelineId(), claim.executionType(),
                claim.from(), claim.to(), claim.attempt(), ended.processed(), ended.failed(), ended.durationMs(),
                ended.startedAt() == null ? null : ended.startedAt().toInstant(), ended.completedAt().toInstant());
    }

    /**
     * Failed for good at {@code stage}: the stage's status {@code stageStatus}, the error and its details, the pipeline's
     * counters, and the event. Null: the lease is lost.
     */
    Ended fail(Claim claim, String owner, Stage stage, String stageStatus, String reason, String error, String check,
               Map<String, Object> details) {
        String sql = FAIL.formatted(stage == null ? "" : stage.label + "_status = ?5,");
        return write(() -> session()
                .chain(s -> {
                    Mutiny.SelectionQuery<String> query = s.createNativeQuery(sql, String.class).setParameter(1, claim.id())
                            .setParameter(2, owner).setParameter(3, error).setParameter(4, write(details));
                    if (stage != null) {
                        query.setParameter(5, stageStatus);
                    }
                    return query.getResultList();
                })
                .chain(rows -> rows.isEmpty() ? Uni.createFrom().nullItem() : publish(ended(rows.get(0)), ended -> new ExecutionFailed(
                        claim.id(), claim.organizationId(), claim.pipelineId(), claim.executionType(), claim.from(), claim.to(),
                        claim.attempt(), stage == null ? null : stage.label, reason, error, check,
                        ended.completedAt().toInstant()))));
    }

    /**
     * Back to pending after a transient failure at {@code stage}, not before {@code backoff}. False: the lease is lost,
     * or a cancellation was asked for (then the execution is to end cancelled rather than wait out the backoff).
     */
    boolean retryLater(Claim claim, String owner, Stage stage, String error, Map<String, Object> details, Duration backoff) {
        String sql = RETRY_LATER.formatted(stage == null ? "" : stage.label + "_status = 'failed',");
        return !write(() -> session().chain(s -> s.createNativeQuery(sql, String.class).setParameter(1, claim.id())
                .setParameter(2, owner).setParameter(3, error).setParameter(4, write(details))
                .setParameter(5, (double) backoff.toSeconds()).getResultList())).isEmpty();
    }

    /** Cancelled as asked, in {@code stage}. Null: the lease is lost, or no cancellation was asked for. */
    Ended cancel(Claim claim, String owner, Stage stage) {
        String sql = CANCEL.formatted(stage == null ? "" : stage.label + "_status = 'cancelled',");
        return write(() -> session()
                .chain(s -> s.createNativeQuery(sql, String.class).setParameter(1, claim.id()).setParameter(2, owner)
                        .getResultList())
                .chain(rows -> rows.isEmpty() ? Uni.createFrom().nullItem() : publish(ended(rows.get(0)), ended -> new ExecutionCancelled(
                        claim.id(), claim.organizationId(), claim.pipelineId(), claim.executionType(), claim.from(), claim.to(),
                        claim.attempt(), stage == null ? null : stage.label, ended.completedAt().toInstant()))));
    }

    /** What the reaper did with an expired execution. */
    record Reaped(Claim claim, String outcome) {
    }

    /**
     * Up to {@code limit} running executions whose lease expired: back to pending (attempt + 1) while attempts remain,
     * else failed; cancelled when a cancellation was asked for. One transaction; ends publish their events.
     */
    List<Reaped> reap(int limit, Collection<UUID> onlyPipelines) {
        String only = ids(onlyPipelines);
        return await(() -> transactions.scoped(() -> session()
                .chain(s -> s.createNativeQuery(EXPIRED, String.class).setParameter(1, limit).setParameter(2, only)
                        .getResultList())
                .chain(rows -> {
                    if (rows.isEmpty()) {
                        return Uni.createFrom().item(List.<Reaped>of());
                    }
                    List<Claim> expired = rows.stream().map(r -> read(r, Claim.class)).toList();
                    Uni<List<Reaped>> done = transactions.attribute(actor.service()).replaceWith(new ArrayList<>());
                    for (Claim claim : expired) {
                        done = done.chain(list -> reapOne(claim).map(outcome -> {
                            if (outcome != null) {
                                list.add(new Reaped(claim, outcome));
                            }
                            return list;
                        }));
                    }
                    return done;
                })));
    }

    private Uni<String> reapOne(Claim claim) {
        Stage stage = Stage.firstNotCompleted(claim);
        if (stage == null) {
            // gold committed and published: the execution is done whatever its attempts, and a cancel came too late
            return session().chain(s -> s.createNativeQuery(REAP_COMPLETE, String.class).setParameter(1, claim.id())
                            .getResultList())
                    .chain(rows -> rows.isEmpty() ? Uni.createFrom().<String>nullItem()
                            : publish(ended(rows.get(0)), ended -> completed(claim, ended)).replaceWith("completed"));
        }
        String error = "the executor running the execution stopped without ending it (its lease expired)";
        Map<String, Object> details = Map.of("stage", stage == null ? "gold" : stage.label, "kind", "lease-expired",
                "attempt", claim.attempt());
        if (!claim.cancelRequested() && claim.attempt() < claim.retry().maxAttempts()) {
            return session().chain(s -> s.createNativeQuery(REAP_RESUME, String.class).setParameter(1, claim.id())
                            .setParameter(2, error).setParameter(3, write(details)).getResultList())
                    .map(rows -> rows.isEmpty() ? null : "pending");
        }
        String status = claim.cancelRequested() ? "cancelled" : "failed";
        String message = error + "; no attempt left";
        return session().chain(s -> s.createNativeQuery(REAP_END, String.class).setParameter(1, claim.id())
                        .setParameter(2, status).setParameter(3, message).setParameter(4, write(details)).getResultList())
                .chain(rows -> rows.isEmpty() ? Uni.createFrom().<String>nullItem()
                        : outbox.publish(claim.cancelRequested()
                                ? new ExecutionCancelled(claim.id(), claim.organizationId(), claim.pipelineId(),
                                        claim.executionType(), claim.from(), claim.to(), claim.attempt(),
                                        stage == null ? null : stage.label, ended(rows.get(0)).completedAt().toInstant())
                                : new ExecutionFailed(claim.id(), claim.organizationId(), claim.pipelineId(),
                                        claim.executionType(), claim.from(), claim.to(), claim.attempt(),
                                        stage == null ? null : stage.label, ExecutionFailed.ATTEMPTS_EXHAUSTED, message, null,
                                        ended(rows.get(0)).completedAt().toInstant()))
                        .replaceWith(status));
    }

    private Uni<Ended> publish(Ended ended, java.util.function.Function<Ended, ExecutionEvent> event) {
        return outbox.publish(event.apply(ended)).replaceWith(ended);
    }

    private Ended ended(String row) {
        return read(row, Ended.class);
    }

    /** A transaction that changes what the audit trail captures, attributed to the service. */
    private <T> T write(Supplier<Uni<T>> work) {
        return await(() -> transactions.scoped(() -> transactions.attribute(actor.service()).chain(() -> work.get())));
    }

    private static Uni<Mutiny.Session> session() {
        return Panache.getSession();
    }

    private static String ids(Collection<UUID> ids) {
        return ids == null ? null : ids.stream().map(UUID::toString).collect(Collectors.joining(","));
    }

    static <T> T await(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private String write(Object value) {
        try {
            return value == null ? null : json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private <T> T read(String row, Class<T> type) {
        try {
            return json.readValue(row, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read a row as " + type.getSimpleName(), e);
        }
    }
}
