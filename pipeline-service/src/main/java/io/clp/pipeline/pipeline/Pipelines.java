package io.clp.pipeline.pipeline;

import io.clp.pipeline.schedule.Schedule;
import io.clp.pipeline.template.InputProblems;
import io.clp.pipeline.template.InputSchema;
import io.clp.pipeline.template.Template;
import io.clp.pipeline.template.TemplateRepository;
import io.clp.platform.pagination.Cursor;
import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.platform.problem.DatabaseErrors;
import io.clp.platform.problem.FieldError;
import io.clp.platform.problem.Problems;
import io.clp.platform.tx.RequestCaller;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.work.OrganizationWork;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The organization's pipelines. A pipeline made from a template records the template version and its parameters (merged
 * over the template's defaults) in its config, and counts one more use of the template in the same transaction. Its next
 * run is computed from its {@link Schedule} whenever the schedule or its status changes; a paused, draft or manual
 * pipeline has none. Every operation runs as an {@link OrganizationWork}; reading, changing and deleting one pipeline is
 * allowed by the caller's role or by an entity grant on it.
 */
@ApplicationScoped
public class Pipelines {

    private final OrganizationWork work;
    private final PipelineRepository pipelines;
    private final TemplateRepository templates;
    private final RequestCaller caller;

    Pipelines(OrganizationWork work, PipelineRepository pipelines, TemplateRepository templates, RequestCaller caller) {
        this.work = work;
        this.pipelines = pipelines;
        this.templates = templates;
        this.caller = caller;
    }

    public Uni<Page<PipelineView>> list(UUID orgId, PipelineRepository.Filter filter, PageRequest page) {
        return work.run(orgId, Permission.PIPELINE_READ, () -> pipelines.page(orgId, filter, page))
                .map(rows -> Page.of(rows, page.limit(), p -> new Cursor(p.createdAt, p.id), PipelineView::of));
    }

    public Uni<PipelineView> get(UUID orgId, UUID pipelineId) {
        return work.onEntity(orgId, Permission.PIPELINE_READ, Pipeline.ENTITY_TYPE, pipelineId,
                () -> pipelines.inOrganization(orgId, pipelineId), p -> Uni.createFrom().item(PipelineView.of(p)));
    }

    public Uni<PipelineView> create(UUID orgId, CreatePipeline request) {
        boolean fromTemplate = request.templateId() != null;
        if (fromTemplate && (request.connectorType() != null || request.config() != null)) {
            throw Problems.validation(request.connectorType() != null ? "connectorType" : "config",
                    "is set by the template: send templateId and params, or connectorType and config");
        }
        if (!fromTemplate && request.params() != null) {
            throw Problems.validation("params", "only a pipeline made from a template (templateId) takes params");
        }
        if (!fromTemplate && request.connectorType() == null) {
            throw Problems.validation("connectorType", "is required without a templateId");
        }
        notTooLarge("params", request.params());
        notTooLarge("config", request.config());
        Schedule schedule = schedule(request.scheduleType(), request.scheduleCron(), request.scheduleIntervalMinutes(),
                request.scheduleTimezone());
        Pipeline pipeline = new Pipeline();
        pipeline.id = UUID.randomUUID();
        pipeline.orgId = orgId;
        pipeline.name = request.name().strip();
        pipeline.description = request.description();
        pipeline.dspAccountId = request.dspAccountId();
        pipeline.lookbackDays = request.lookbackDays() != null ? request.lookbackDays() : 2;
        pipeline.retryConfig = (request.retry() != null ? request.retry().orDefaults() : Retry.DEFAULT).toConfig();
        pipeline.status = request.status() != null ? request.status() : "draft";
        pipeline.createdBy = caller.userId();
        take(pipeline, schedule);
        pipeline.nextRunAt = nextRun(schedule, pipeline.status);
        return nameConflicts(work.run(orgId, Permission.PIPELINE_CREATE, () -> {
            Uni<Template> template = fromTemplate ? usableTemplate(orgId, request.templateId()) : Uni.createFrom().nullItem();
            return template.chain(t -> {
                if (t != null) {
                    pipeline.templateId = t.id;
                    pipeline.connectorType = t.dspType != null ? t.dspType.name() : t.templateType;
                    Map<String, Object> params = validParams(t, request.params(), request.lookbackDays());
                    pipeline.config = templateConfig(t, params);
                    if (request.lookbackDays() == null && lookbackDays(params.get("lookbackDays")) != null) {
                        pipeline.lookbackDays = lookbackDays(params.get("lookbackDays"));
                    }
                } else {
                    pipeline.connectorType = request.connectorType();
                    pipeline.config = request.config() == null ? Map.of() : new LinkedHashMap<>(request.config());
                }
                if (t != null && t.dspType != null && pipeline.dspAccountId == null) {
                    throw InputProblems.unprocessable("dspAccountId", "is required: the template reads " + t.dspType.name()
                            + ", through one of the organization's " + t.dspType.name() + " accounts");
                }
                return usableAccount(orgId, pipeline.dspAccountId, pipeline.connectorType)
                        .chain(() -> nameFree(orgId, pipeline.name, pipeline.id))
                        .chain(() -> pipelines.persist(pipeline))
                        .chain(() -> t == null ? Uni.createFrom().voidItem() : templates.countUse(t.id).invoke(counted -> {
                            if (!counted) { // an edit or a delete deactivated the version since it was read
                                throw InputProblems.unprocessable("templateId",
                                        "is no longer the active version of its template (edited or deleted meanwhile); read it again");
                            }
                        }).replaceWithVoid())
                        .chain(() -> saved(pipeline));
            });
        }));
    }

    public Uni<PipelineView> update(UUID orgId, UUID pipelineId, UpdatePipeline change) {
        notTooLarge("params", change.params());
        return nameConflicts(work.onEntity(orgId, Permission.PIPELINE_UPDATE, Pipeline.ENTITY_TYPE, pipelineId,
                () -> pipelines.inOrganizationForChange(orgId, pipelineId), p -> (change.name() != null
                        ? nameFree(orgId, change.name().strip(), p.id) : Uni.createFrom().voidItem()).chain(() -> {
                    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    boolean reschedule = false;
                    if (change.name() != null) {
                        p.name = change.name().strip();
                    }
                    if (change.description() != null) {
                        p.description = change.description();
                    }
                    if (change.lookbackDays() != null) {
                        p.lookbackDays = change.lookbackDays();
                    }
                    if (change.retry() != null) {
                        Retry current = Retry.of(p.retryConfig);
                        p.retryConfig = new Retry(change.retry().maxAttempts() != null ? change.retry().maxAttempts() : current.maxAttempts(),
                                change.retry().backoffSeconds() != null ? change.retry().backoffSeconds() : current.backoffSeconds()).toConfig();
                    }
                    Schedule schedule;
                    if (change.changesSchedule()) {
                        schedule = change.scheduleType() != null
                                ? schedule(change.scheduleType(), change.scheduleCron(), change.scheduleIntervalMinutes(),
                                        change.scheduleTimezone() != null ? change.scheduleTimezone() : p.scheduleTimezone)
                                : schedule(p.scheduleType, change.scheduleCron() != null ? change.scheduleCron() : p.scheduleCron,
                                        change.scheduleIntervalMinutes() != null ? change.scheduleIntervalMinutes() : p.scheduleIntervalMinutes,
                                        change.scheduleTimezone() != null ? change.scheduleTimezone() : p.scheduleTimezone);
                        take(p, schedule);
                        reschedule = true;
                    } else {
                        schedule = schedule(p.scheduleType, p.scheduleCron, p.scheduleIntervalMinutes, p.scheduleTimezone);
                    }
                    boolean activating = "active".equals(change.status()) && !"active".equals(p.status);
                    if (change.status() != null && !change.status().equals(p.status)) {
                        if ("paused".equals(change.status()) && !"active".equals(p.status)) {
                            throw Problems.conflict("conflict", "only an active pipeline can be paused; this one is " + p.status);
                        }
                        p.status = change.status();
                        p.statusReason = null;
                        reschedule = true;
                    }
                    if (reschedule) {
                        p.nextRunAt = nextRun(schedule, p.status, now);
                    }
                    Uni<Void> params = Uni.createFrom().voidItem();
                    if (change.params() != null) {
                        if (p.templateId == null) {
                            throw Problems.validation("params", "only a pipeline made from a template takes params");
                        }
                        params = templates.findById(p.templateId).invoke(t -> {
                            if (t == null) {
                                throw InputProblems.unprocessable("params", "the template this pipeline was made from no longer exists");
                            }
                            // params without a look-back keep the pipeline's, not the template's default
                            Integer keep = change.lookbackDays() != null ? change.lookbackDays()
                                    : change.params().containsKey("lookbackDays") ? null : Integer.valueOf(p.lookbackDays);
                            Map<String, Object> merged = validParams(t, change.params(), keep);
                            p.config = templateConfig(t, merged);
                            if (change.lookbackDays() == null && lookbackDays(merged.get("lookbackDays")) != null) {
                                p.lookbackDays = lookbackDays(merged.get("lookbackDays"));
                            }
                        }).replaceWithVoid();
                    } else if (change.lookbackDays() != null && p.templateId != null
                            && p.config.get("params") instanceof Map<?, ?> current && current.containsKey("lookbackDays")) {
                        // keep the template's look-back parameter in step with the pipeline's, as its input schema allows
                        Map<String, Object> config = new LinkedHashMap<>(p.config);
                        Map<String, Object> stepped = new LinkedHashMap<>();
                        current.forEach((k, v) -> stepped.put(String.valueOf(k), v));
                        stepped.put("lookbackDays", change.lookbackDays());
                        params = templates.findById(p.templateId).invoke(t -> {
                            List<FieldError> errors = t == null ? List.of() : InputSchema.validate("params", t.inputSchema, stepped);
                            if (!errors.isEmpty()) {
                                throw InputProblems.unprocessable("lookbackDays",
                                        "the template's input schema refuses it as params.lookbackDays: " + errors.get(0).message());
                            }
                            config.put("params", stepped);
                            p.config = config;
                        }).replaceWithVoid();
                    }
                    // the account may have been disabled or deleted since the pipeline was made or last active
                    Uni<Void> account = activating ? usableAccount(orgId, p.dspAccountId, p.connectorType) : Uni.createFrom().voidItem();
                    return params.chain(() -> account).chain(() -> saved(p));
                })));
    }

    public Uni<Void> delete(UUID orgId, UUID pipelineId) {
        return work.onEntity(orgId, Permission.PIPELINE_DELETE, Pipeline.ENTITY_TYPE, pipelineId,
                () -> pipelines.inOrganizationForChange(orgId, pipelineId), p -> pipelines.delete(p));
    }

    private Uni<PipelineView> saved(Pipeline pipeline) {
        return pipelines.flush()
                .chain(() -> pipelines.getSession())
                .chain(session -> session.refresh(pipeline)) // created_at and updated_at are the database's
                .map(ignored -> PipelineView.of(pipeline));
    }

    /** A failure to write (at flush or commit) because a request racing this one took the name, as pipeline-name-taken. */
    private static <T> Uni<T> nameConflicts(Uni<T> write) {
        return write.onFailure(Pipelines::nameTaken).transform(e -> Problems.conflict("pipeline-name-taken",
                "the organization already has a pipeline of that name"));
    }

    /** The unique constraint on the organization's pipeline names refused the write (a request racing this one took it). */
    static boolean nameTaken(Throwable failure) {
        return DatabaseErrors.violated(failure, "uq_pipelines_org_name");
    }

    /** The organization's (or a public) template's active version: a deleted or superseded one is refused, as an unknown one. */
    private Uni<Template> usableTemplate(UUID orgId, UUID templateId) {
        return templates.readable(orgId, templateId).map(t -> {
            if (t == null || !t.active) {
                throw InputProblems.unprocessable("templateId", "is not an active template of the organization or a public one");
            }
            return t;
        });
    }

    /**
     * The account, when named, must be an active, not deleted DSP account of the organization; when the pipeline reads a
     * DSP (its connectorType, from the template's dspType or given bare, names one), an account of that DSP.
     */
    private Uni<Void> usableAccount(UUID orgId, UUID accountId, String connectorType) {
        if (accountId == null) {
            return Uni.createFrom().voidItem();
        }
        String reads = connectorType == null ? null : io.clp.pipeline.template.DspType.fromLabel(connectorType).map(Enum::name).orElse(null);
        return pipelines.activeDspAccountType(orgId, accountId).invoke(dsp -> {
            if (dsp == null) {
                throw InputProblems.unprocessable("dspAccountId", "is not an active DSP account of the organization");
            }
            if (reads != null && !reads.equals(dsp)) {
                throw InputProblems.unprocessable("dspAccountId", "is a " + dsp + " account; the pipeline reads " + reads);
            }
        }).replaceWithVoid();
    }

    /** The parameters merged over the template's defaults, once the template's input schema accepts them. */
    private static Map<String, Object> validParams(Template template, Map<String, Object> params, Integer lookbackDays) {
        Map<String, Object> merged = new LinkedHashMap<>(template.defaultParams);
        if (params != null) {
            if (lookbackDays != null && params.containsKey("lookbackDays") && !lookbackDays.equals(lookbackDays(params.get("lookbackDays")))) {
                throw InputProblems.unprocessable("lookbackDays", "differs from params.lookbackDays: send one of them, or the same value");
            }
            merged.putAll(params);
        }
        if (lookbackDays != null && merged.containsKey("lookbackDays")) {
            merged.put("lookbackDays", lookbackDays); // the pipeline's look-back and the template's parameter stay in step
        }
        List<FieldError> errors = InputSchema.validate("params", template.inputSchema, merged);
        if (!errors.isEmpty()) {
            throw InputProblems.unprocessable(errors);
        }
        return merged;
    }

    private static void notTooLarge(String field, Map<String, Object> value) {
        FieldError tooLarge = InputSchema.tooLarge(field, value);
        if (tooLarge != null) {
            throw InputProblems.unprocessable(List.of(tooLarge));
        }
    }

    /** A look-back parameter as a number of days 0..90, or null when it is not one. */
    private static Integer lookbackDays(Object value) {
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.intValue() >= 0 && n.intValue() <= 90) {
            return n.intValue();
        }
        return null;
    }

    private static Map<String, Object> templateConfig(Template template, Map<String, Object> params) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("template", Map.of("id", template.id.toString(), "lineage", template.lineage().toString(), "version", template.version));
        config.put("params", params);
        return config;
    }

    private static Schedule schedule(String type, String cron, Integer intervalMinutes, String timezone) {
        try {
            return Schedule.of(type, cron, intervalMinutes, timezone);
        } catch (Schedule.InvalidSchedule e) {
            String message = e.getMessage();
            throw InputProblems.unprocessable(e.field(), message.startsWith(e.field() + " ") ? message.substring(e.field().length() + 1) : message);
        }
    }

    private static void take(Pipeline p, Schedule schedule) {
        p.scheduleType = schedule.type().label();
        p.scheduleCron = schedule.cron();
        p.scheduleIntervalMinutes = schedule.intervalMinutes();
        p.scheduleTimezone = schedule.zone().getId();
    }

    private static Instant nextRun(Schedule schedule, String status) {
        return nextRun(schedule, status, Instant.now().truncatedTo(ChronoUnit.MICROS));
    }

    /** An active pipeline's next tick after {@code now}; none when it is not active or runs only when asked. */
    private static Instant nextRun(Schedule schedule, String status, Instant now) {
        return "active".equals(status) ? schedule.nextAfter(now, null).orElse(null) : null;
    }

    /**
     * Fails with pipeline-name-taken when another pipeline of the organization has the name. Two requests racing for a
     * name both pass; the unique constraint then refuses the later one, answered as pipeline-name-taken too.
     */
    private Uni<Void> nameFree(UUID orgId, String name, UUID self) {
        return pipelines.count("orgId = ?1 and name = ?2 and id <> ?3", orgId, name, self).invoke(taken -> {
            if (taken > 0) {
                throw Problems.conflict("pipeline-name-taken", "the organization already has a pipeline named " + name);
            }
        }).replaceWithVoid();
    }
}
