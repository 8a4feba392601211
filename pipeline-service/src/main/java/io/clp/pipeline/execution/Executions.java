package io.clp.pipeline.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.platform.pagination.Cursor;
import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.platform.problem.FieldError;
import io.clp.platform.problem.Problems;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.work.OrganizationWork;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.reactive.mutiny.Mutiny;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A pipeline's executions: run now, backfill, list, read and cancel. Executions are created pending; the executor
 * (bronze, silver, gold) takes them from there. Every operation is an {@link OrganizationWork} on the pipeline, so
 * another organization's pipeline or execution is not found.
 */
@ApplicationScoped
public class Executions {

    public static final String ENTITY_TYPE = "pipeline";
    /** The most days one backfill may cover. */
    public static final int MAX_BACKFILL_DAYS = 366;
    /** The most pending backfill executions one pipeline may have. */
    public static final int MAX_PENDING_BACKFILL = 1000;
    private static final String PENDING_BACKFILL = """
            SELECT count(*) FROM etl_executions WHERE pipeline_id = ?1 AND execution_type = 'backfill' AND status = 'pending'
            """;
    static final Set<String> STATUSES = Set.of("pending", "running", "completed", "failed", "cancelled");
    static final Set<String> TYPES = Set.of("scheduled", "manual", "backfill");

    /**
     * A pipeline row {@code p} as its executions keep it ({@code etl_executions.config}): what it was configured with when
     * the execution was created, whatever is edited after.
     */
    public static final String SNAPSHOT = """
            jsonb_build_object('pipeline', p.config, 'retry', p.retry_config, 'lookbackDays', p.lookback_days,
                               'dspAccountId', p.dsp_account_id, 'connectorType', p.connector_type,
                               'templateId', p.template_id, 'scheduleTimezone', p.schedule_timezone)
            """;
    private static final String RUN = """
            WITH created AS (
                INSERT INTO etl_executions (pipeline_id, org_id, execution_type, status, data_from, data_to, config)
                SELECT p.id, p.org_id, 'manual', 'pending', CAST(?2 AS date), CAST(?3 AS date), %s FROM pipelines p WHERE p.id = ?1
                ON CONFLICT (pipeline_id) WHERE execution_type = 'manual' AND status IN ('pending', 'running') DO NOTHING
                RETURNING *),
            counted AS (
                UPDATE pipelines p SET total_executions = p.total_executions + 1, last_execution_id = created.id
                FROM created WHERE p.id = created.pipeline_id)
            SELECT %s FROM created e
            """.formatted(SNAPSHOT, ExecutionView.JSON);
    private static final String ACTIVE_MANUAL = """
            SELECT id::text FROM etl_executions
            WHERE pipeline_id = ?1 AND execution_type = 'manual' AND status IN ('pending', 'running')
            """;
    /** One execution per day, set-based; a day already pending or running for a backfill is left alone. */
    private static final String BACKFILL = """
            WITH created AS (
                INSERT INTO etl_executions (pipeline_id, org_id, execution_type, status, data_from, data_to, config)
                SELECT p.id, p.org_id, 'backfill', 'pending', d.day, d.day,
                       %s || jsonb_build_object('backfillConcurrency', CAST(?4 AS integer))
                FROM pipelines p, LATERAL (SELECT generate_series(CAST(?2 AS date), CAST(?3 AS date), interval '1 day')::date AS day) d
                WHERE p.id = ?1
                ORDER BY d.day
                ON CONFLICT (pipeline_id, data_from) WHERE execution_type = 'backfill' AND status IN ('pending', 'running')
                DO NOTHING
                RETURNING id, pipeline_id, data_from),
            counted AS (
                UPDATE pipelines p SET total_executions = p.total_executions + (SELECT count(*) FROM created),
                                       last_execution_id = coalesce((SELECT id FROM created ORDER BY data_from DESC LIMIT 1),
                                                                    p.last_execution_id)
                WHERE p.id = ?1)
            SELECT id::text FROM created ORDER BY data_from
            """.formatted(SNAPSHOT);
    private static final String CANCEL = """
            UPDATE etl_executions e
            SET status = CASE WHEN e.status = 'pending' THEN 'cancelled' ELSE e.status END,
                completed_at = CASE WHEN e.status = 'pending' THEN now() ELSE e.completed_at END,
                cancel_requested_at = coalesce(e.cancel_requested_at, now())
            WHERE e.id = ?1 AND e.pipeline_id = ?2 AND e.status IN ('pending', 'running')
            RETURNING %s
            """.formatted(ExecutionView.JSON);

    /**
     * A failed execution back to pending, to resume at its first stage not completed, with a new retry budget; refused
     * (no row) while another execution holds the slot it would take (the pipeline's manual run, the backfill's day).
     * The pipeline's failed count no longer counts it: it ends again, completed or failed.
     */
    private static final String RETRY = """
            WITH retried AS (
                UPDATE etl_executions e
                SET status = 'pending', attempt = 1, retry_count = e.retry_count + 1, not_before = NULL, completed_at = NULL,
                    cancel_requested_at = NULL, error_message = NULL, error_details = NULL, total_duration_ms = NULL
                WHERE e.id = ?1 AND e.pipeline_id = ?2 AND e.status = 'failed'
                  AND NOT EXISTS (SELECT 1 FROM etl_executions o
                                  WHERE o.pipeline_id = e.pipeline_id AND o.id <> e.id AND o.status IN ('pending', 'running')
                                    AND o.execution_type = e.execution_type
                                    AND (e.execution_type = 'manual'
                                         OR (e.execution_type = 'backfill' AND o.data_from = e.data_from)))
                RETURNING e.*),
            counted AS (
                UPDATE pipelines p SET failed_executions = greatest(p.failed_executions - 1, 0)
                FROM retried WHERE p.id = retried.pipeline_id)
            SELECT %s FROM retried e
            """.formatted(ExecutionView.JSON);
    private static final String EVENTS_SCOPE = "SELECT set_config('clp.scope', 'system', true)";
    private static final String EVENTS_READ = "SELECT " + ExecutionView.JSON
            + " FROM etl_executions e WHERE e.id = $1 AND e.pipeline_id = $2 AND e.org_id = $3";

    private final OrganizationWork work;
    private final Pool pool;
    private final Duration eventsInterval;
    private final Duration eventsMaxDuration;
    private final ObjectMapper json;
    /** How many days before today (the pipeline's zone) a run-now or backfill window may start. */
    private final int maxAgeDays;

    Executions(OrganizationWork work, ObjectMapper json,
               @ConfigProperty(name = "clp.pipelines.window.max-age-days", defaultValue = "1096") int maxAgeDays, Pool pool,
               @ConfigProperty(name = "clp.pipelines.executor.events.interval", defaultValue = "1s") Duration eventsInterval,
               @ConfigProperty(name = "clp.pipelines.executor.events.max-duration", defaultValue = "1h") Duration eventsMaxDuration) {
        this.work = work;
        this.pool = pool;
        this.eventsInterval = eventsInterval;
        this.eventsMaxDuration = eventsMaxDuration;
        this.json = json;
        this.maxAgeDays = maxAgeDays;
    }

    /**
     * The rules a window asked for (run now, backfill) must meet: {@code to} not before {@code from}, at most
     * {@link #MAX_BACKFILL_DAYS} days, {@code to} not after today and {@code from} not more than {@code maxAgeDays}
     * before it, in the pipeline's time zone.
     */
    private void checkWindow(LocalDate from, LocalDate to, LocalDate today, List<FieldError> errors) {
        if (to.isBefore(from)) {
            errors.add(new FieldError("to", "must not be before from"));
        } else if (ChronoUnit.DAYS.between(from, to) + 1 > MAX_BACKFILL_DAYS) {
            errors.add(new FieldError("to", "a window covers at most " + MAX_BACKFILL_DAYS + " days"));
        }
        if (to.isAfter(today)) {
            errors.add(new FieldError("to", "must not be in the future (today is " + today + " in the pipeline's time zone)"));
        }
        LocalDate floor = today.minusDays(maxAgeDays);
        if (from.isBefore(floor)) {
            errors.add(new FieldError("from", "must not be before " + floor + " (at most " + maxAgeDays + " days before today)"));
        }
    }

    /**
     * A manual execution of the pipeline, pending; whatever its status (a paused or draft pipeline can be run by hand).
     * Refused while another manual execution of it is pending or running.
     */
    public Uni<ExecutionView> run(UUID orgId, UUID pipelineId, RunRequest request) {
        return onPipeline(orgId, pipelineId, Permission.PIPELINE_EXECUTE, pipeline -> {
            ExecutionWindow window = window(pipeline, request);
            return session().chain(s -> s.createNativeQuery(RUN, String.class).setParameter(1, pipelineId)
                            .setParameter(2, window.from()).setParameter(3, window.to()).getResultList())
                    .chain(rows -> rows.isEmpty()
                            ? session().chain(s -> s.createNativeQuery(ACTIVE_MANUAL, String.class).setParameter(1, pipelineId)
                                    .getResultList()).map(active -> {
                                        throw Problems.conflict("execution-in-progress", "the pipeline's manual execution "
                                                + (active.isEmpty() ? "" : active.get(0) + " ") + "is pending or running; "
                                                + "cancel it or wait for it to finish");
                                    })
                            : Uni.createFrom().item(read(rows.get(0), ExecutionView.class)));
        });
    }

    /** One pending backfill execution per day of [from, to] that has none pending or running. */
    public Uni<BackfillView> backfill(UUID orgId, UUID pipelineId, BackfillRequest request) {
        return onPipeline(orgId, pipelineId, Permission.PIPELINE_EXECUTE, pipeline -> {
            LocalDate today = LocalDate.now(zone(pipeline));
            List<FieldError> errors = new ArrayList<>();
            if (request == null || request.from() == null) {
                errors.add(new FieldError("from", "is required"));
            }
            if (request == null || request.to() == null) {
                errors.add(new FieldError("to", "is required"));
            }
            if (errors.isEmpty()) {
                checkWindow(request.from(), request.to(), today, errors);
            }
            if (!errors.isEmpty()) {
                throw Problems.validation(errors);
            }
            int days = (int) ChronoUnit.DAYS.between(request.from(), request.to()) + 1;
            return session().chain(s -> s.createNativeQuery(PENDING_BACKFILL, Long.class).setParameter(1, pipelineId)
                            .getSingleResult())
                    .chain(pending -> {
                        if (pending + days > MAX_PENDING_BACKFILL) {
                            throw Problems.conflict("backfill-limit", "a pipeline has at most " + MAX_PENDING_BACKFILL
                                    + " pending backfill executions; it has " + pending + " and this backfill asks for "
                                    + days + " days: wait for them to run or cancel some");
                        }
                        return session();
                    })
                    .chain(s -> s.createNativeQuery(BACKFILL, String.class).setParameter(1, pipelineId)
                            .setParameter(2, request.from()).setParameter(3, request.to())
                            .setParameter(4, pipeline.backfillConcurrency()).getResultList())
                    .map(ids -> new BackfillView(pipelineId, request.from(), request.to(), days, ids.size(),
                            ids.stream().map(UUID::fromString).toList(), pipeline.backfillConcurrency()));
        });
    }

    /** The pipeline's executions, newest first, optionally of one status and type. */
    public Uni<Page<ExecutionView>> list(UUID orgId, UUID pipelineId, String status, String type, PageRequest page) {
        List<FieldError> errors = new ArrayList<>();
        if (status != null && !STATUSES.contains(status)) {
            errors.add(new FieldError("status", "must be one of pending, running, completed, failed, cancelled"));
        }
        if (type != null && !TYPES.contains(type)) {
            errors.add(new FieldError("type", "must be one of scheduled, manual, backfill"));
        }
        if (!errors.isEmpty()) {
            throw Problems.validation(errors);
        }
        return onPipeline(orgId, pipelineId, Permission.PIPELINE_READ, pipeline -> {
            StringBuilder sql = new StringBuilder("SELECT ").append(ExecutionView.JSON)
                    .append(" FROM etl_executions e WHERE e.pipeline_id = ?1");
            List<Object> params = new ArrayList<>(List.of(pipelineId));
            if (status != null) {
                params.add(status);
                sql.append(" AND e.status = ?").append(params.size());
            }
            if (type != null) {
                params.add(type);
                sql.append(" AND e.execution_type = ?").append(params.size());
            }
            page.after().ifPresent(after -> {
                params.add(after.at().atOffset(java.time.ZoneOffset.UTC));
                params.add(after.id());
                sql.append(" AND (e.created_at, e.id) < (CAST(?").append(params.size() - 1).append(" AS timestamptz), CAST(?")
                        .append(params.size()).append(" AS uuid))");
            });
            sql.append(" ORDER BY e.created_at DESC, e.id DESC LIMIT ").append(page.limit() + 1);
            return session().chain(s -> {
                Mutiny.SelectionQuery<String> query = s.createNativeQuery(sql.toString(), String.class);
                for (int i = 0; i < params.size(); i++) {
                    query.setParameter(i + 1, params.get(i));
                }
                return query.getResultList();
            });
        }).map(rows -> Page.of(rows.stream().map(r -> read(r, ExecutionView.class)).toList(), page.limit(),
                e -> new Cursor(e.createdAt().toInstant(), e.id()), e -> e));
    }

    public Uni<ExecutionView> get(UUID orgId, UUID pipelineId, UUID executionId) {
        return onPipeline(orgId, pipelineId, Permission.PIPELINE_READ, pipeline -> session()
                .chain(s -> s.createNativeQuery("SELECT " + ExecutionView.JSON
                                + " FROM etl_executions e WHERE e.id = ?1 AND e.pipeline_id = ?2", String.class)
                        .setParameter(1, executionId).setParameter(2, pipelineId).getResultList())
                .map(rows -> {
                    if (rows.isEmpty()) {
                        throw Problems.notFound("execution", executionId);
                    }
                    return read(rows.get(0), ExecutionView.class);
                }));
    }

    /**
     * A pending execution ends cancelled; a running one is asked to stop ({@code cancel_requested_at}) and stays
     * running, holding its uniqueness slot, until its executor writes cancelled; cancelling again answers the same
     * state; a completed or failed one cannot be cancelled.
     */
    public Uni<ExecutionView> cancel(UUID orgId, UUID pipelineId, UUID executionId) {
        return onPipeline(orgId, pipelineId, Permission.PIPELINE_EXECUTE, pipeline -> session()
                .chain(s -> s.createNativeQuery(CANCEL, String.class).setParameter(1, executionId).setParameter(2, pipelineId)
                        .getResultList())
                .chain(rows -> rows.isEmpty()
                        ? session().chain(s -> s.createNativeQuery(
                                        "SELECT status FROM etl_executions WHERE id = ?1 AND pipeline_id = ?2", String.class)
                                .setParameter(1, executionId).setParameter(2, pipelineId).getResultList())
                                .map(status -> {
                                    if (status.isEmpty()) {
                                        throw Problems.notFound("execution", executionId);
                                    }
                                    return status.get(0);
                                })
                                .chain(status -> {
                                    if ("cancelled".equals(status)) {
                                        return session().chain(s -> s.createNativeQuery("SELECT " + ExecutionView.JSON
                                                        + " FROM etl_executions e WHERE e.id = ?1", String.class)
                                                .setParameter(1, executionId).getSingleResult())
                                                .map(row -> read(row, ExecutionView.class));
                                    }
                                    throw Problems.conflict("execution-finished",
                                            "the execution is " + status + " and can no longer be cancelled");
                                })
                        : Uni.createFrom().item(read(rows.get(0), ExecutionView.class))));
    }

    /**
     * A failed execution resumed: pending again, from its first stage not completed, with a new retry budget. 409 when
     * it is not failed, or when another execution holds its slot (the pipeline's pending or running manual run, the
     * backfill day's).
     */
    public Uni<ExecutionView> retry(UUID orgId, UUID pipelineId, UUID executionId) {
        return onPipeline(orgId, pipelineId, Permission.PIPELINE_EXECUTE, pipeline -> session()
                .chain(s -> s.createNativeQuery(RETRY, String.class).setParameter(1, executionId).setParameter(2, pipelineId)
                        .getResultList())
                .chain(rows -> rows.isEmpty()
                        ? session().chain(s -> s.createNativeQuery(
                                        "SELECT status FROM etl_executions WHERE id = ?1 AND pipeline_id = ?2", String.class)
                                .setParameter(1, executionId).setParameter(2, pipelineId).getResultList())
                                .map(status -> {
                                    if (status.isEmpty()) {
                                        throw Problems.notFound("execution", executionId);
                                    }
                                    if ("failed".equals(status.get(0))) {
                                        throw Problems.conflict("execution-in-progress", "another execution of the pipeline "
                                                + "for the same slot (its manual run, or the backfill day) is pending or running; "
                                                + "wait for it to finish");
                                    }
                                    throw Problems.conflict("execution-not-failed", "the execution is " + status.get(0)
                                            + "; only a failed execution can be retried");
                                })
                        : Uni.createFrom().item(read(rows.get(0), ExecutionView.class))))
                // another request took the slot between the check and the update: the partial unique index refused it
                .onFailure(e -> String.valueOf(e.getMessage()).contains("uq_etl_executions_")
                        || (e.getCause() != null && String.valueOf(e.getCause().getMessage()).contains("uq_etl_executions_")))
                .transform(e -> Problems.conflict("execution-in-progress", "another execution of the pipeline for the same "
                        + "slot (its manual run, or the backfill day) is pending or running; wait for it to finish"));
    }

    /**
     * The execution as it changes, for its event stream: as it is now, then each change (looked for every
     * {@code clp.pipelines.executor.events.interval}) until it has ended (that state is the last item) or the stream has
     * lasted {@code clp.pipelines.executor.events.max-duration}. The caller's right to read it is checked when the
     * stream starts (an unknown execution or one they may not read fails before any item).
     */
    public Multi<ExecutionView> changes(UUID orgId, UUID pipelineId, UUID executionId) {
        return get(orgId, pipelineId, executionId).toMulti().onItem().transformToMultiAndConcatenate(first -> changesFrom(orgId, first));
    }

    /** As {@link #changes}, from {@code first}, the execution as {@link #get} read it for the admitted caller. */
    public Multi<ExecutionView> changesFrom(UUID orgId, ExecutionView first) {
        UUID pipelineId = first.pipelineId();
        UUID executionId = first.id();
        {
            if (first.ended()) {
                return Multi.createFrom().item(first);
            }
            AtomicReference<ExecutionView> last = new AtomicReference<>(first);
            AtomicBoolean ended = new AtomicBoolean();
            Multi<ExecutionView> later = Multi.createFrom().ticks().every(eventsInterval)
                    .onItem().transformToUniAndConcatenate(tick -> current(orgId, pipelineId, executionId).map(Optional::ofNullable))
                    // until the item after the one that ended it: an ended (or vanished) execution changes no more
                    .select().first(view -> !ended.get())
                    .invoke(view -> {
                        if (view.isEmpty() || view.get().ended()) {
                            ended.set(true);
                        }
                    })
                    .select().where(view -> view.isPresent() && !view.get().equals(last.getAndSet(view.get())))
                    .map(Optional::get)
                    .select().first(eventsMaxDuration);
            return Multi.createBy().concatenating().streams(Multi.createFrom().item(first), later);
        }
    }

    /** The execution as stored, in the service's scope (the caller was admitted when the stream started); null: gone. */
    private Uni<ExecutionView> current(UUID orgId, UUID pipelineId, UUID executionId) {
        return pool.withTransaction(conn -> conn.query(EVENTS_SCOPE).execute()
                .chain(() -> conn.preparedQuery(EVENTS_READ).execute(Tuple.of(executionId, pipelineId, orgId))))
                .map(rows -> {
                    RowIterator<Row> it = rows.iterator();
                    return it.hasNext() ? read(it.next().getString(0), ExecutionView.class) : null;
                });
    }

    /** The window a run reads: the one asked for, else the one a scheduled run would read today. */
    private ExecutionWindow window(PipelineRef pipeline, RunRequest request) {
        if (request == null || (request.from() == null && request.to() == null)) {
            return ExecutionWindow.before(LocalDate.now(zone(pipeline)), pipeline.lookbackDays());
        }
        if (request.from() == null || request.to() == null) {
            throw Problems.validation(request.from() == null ? "from" : "to", "is required when the other bound is given");
        }
        List<FieldError> errors = new ArrayList<>();
        checkWindow(request.from(), request.to(), LocalDate.now(zone(pipeline)), errors);
        if (!errors.isEmpty()) {
            throw Problems.validation(errors);
        }
        return new ExecutionWindow(request.from(), request.to());
    }

    private static ZoneId zone(PipelineRef pipeline) {
        try {
            return ZoneId.of(pipeline.timezone());
        } catch (DateTimeException e) {
            throw Problems.conflict("pipeline-schedule-invalid",
                    "the pipeline's stored time zone " + pipeline.timezone() + " is not valid; correct its schedule first");
        }
    }

    private <T> Uni<T> onPipeline(UUID orgId, UUID pipelineId, Permission permission, Function<PipelineRef, Uni<T>> then) {
        return work.onEntity(orgId, permission, ENTITY_TYPE, pipelineId, () -> session()
                        .chain(s -> s.createNativeQuery(PipelineRef.FIND, String.class).setParameter(1, pipelineId)
                                .setParameter(2, orgId).getResultList())
                        .map(rows -> rows.isEmpty() ? null : read(rows.get(0), PipelineRef.class)),
                then);
    }

    private static Uni<Mutiny.Session> session() {
        return Panache.getSession();
    }

    private <T> T read(String row, Class<T> type) {
        try {
            return json.readValue(row, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read a row as " + type.getSimpleName(), e);
        }
    }
}
