package io.clp.pipeline.template;

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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The templates an organization may use: CLP's public ones (read-only) and its own. Editing an own template writes its
 * next version and deactivates the edited one, so a pipeline made from any version keeps reading the version it was
 * made from. Every operation runs as an {@link OrganizationWork}; reading, editing and deleting one template is allowed
 * by the caller's role or by an entity grant on it.
 */
@ApplicationScoped
public class Templates {

    private final OrganizationWork work;
    private final TemplateRepository templates;
    private final RequestCaller caller;

    Templates(OrganizationWork work, TemplateRepository templates, RequestCaller caller) {
        this.work = work;
        this.templates = templates;
        this.caller = caller;
    }

    public Uni<Page<TemplateView>> list(UUID orgId, TemplateRepository.Filter filter, PageRequest page) {
        return work.run(orgId, Permission.TEMPLATE_READ, () -> templates.page(orgId, filter, page))
                .map(rows -> Page.of(rows, page.limit(), t -> new Cursor(t.createdAt, t.id), TemplateView::of));
    }

    public Uni<TemplateView> get(UUID orgId, UUID templateId) {
        return work.onEntity(orgId, Permission.TEMPLATE_READ, Template.ENTITY_TYPE, templateId,
                () -> templates.readable(orgId, templateId), Templates::lineage, t -> Uni.createFrom().item(TemplateView.of(t)));
    }

    /** A new lineage owned by the organization, at version 1. */
    public Uni<TemplateView> create(UUID orgId, TemplateRequest request) {
        return work.run(orgId, Permission.TEMPLATE_CREATE, () -> {
            Template template = checked(request); // only once the caller may create: evaluating a schema is work
            template.id = UUID.randomUUID();
            template.orgId = orgId;
            template.createdBy = caller.userId();
            template.version = 1;
            return saved(template);
        });
    }

    /**
     * The template's next version: the edited version must be the lineage's active one (409 otherwise), and the
     * organization's own (a public template is read-only: 403).
     */
    public Uni<TemplateView> edit(UUID orgId, UUID templateId, TemplateRequest request) {
        return work.onEntity(orgId, Permission.TEMPLATE_UPDATE, Template.ENTITY_TYPE, templateId,
                () -> templates.readable(orgId, templateId), Templates::lineage, found -> {
                    ownedNotPublic(found);
                    Template next = checked(request); // only once the caller may edit it
                    return templates.lockLineage(found).chain(current -> nextVersion(orgId, templateId, current, next));
                });
    }

    private Uni<TemplateView> nextVersion(UUID orgId, UUID templateId, Template current, Template next) {
        if (!current.active) {
            throw Problems.conflict("not-latest-version", "template " + templateId + " is version " + current.version
                    + ", not its lineage's active version: edit the active one");
        }
        current.active = false;
        next.id = UUID.randomUUID();
        next.orgId = orgId;
        next.createdBy = caller.userId();
        next.version = current.version + 1;
        next.parentTemplateId = current.id;
        next.rootTemplateId = current.lineage();
        return templates.flush().chain(() -> saved(next));
    }

    /** Deactivates the lineage's active version: no new pipeline can be made from it; pipelines made from it keep working. */
    public Uni<Void> delete(UUID orgId, UUID templateId) {
        return work.onEntity(orgId, Permission.TEMPLATE_DELETE, Template.ENTITY_TYPE, templateId,
                () -> templates.readable(orgId, templateId), Templates::lineage, found -> {
                    ownedNotPublic(found);
                    return templates.lockLineage(found).chain(current -> templates.activeOf(current.lineage())).invoke(active -> {
                        if (active != null) {
                            active.active = false;
                        }
                    }).replaceWithVoid();
                });
    }

    private Uni<TemplateView> saved(Template template) {
        return templates.persist(template)
                .chain(() -> templates.flush())
                .chain(() -> templates.getSession())
                .chain(session -> session.refresh(template)) // created_at and usage_count are the database's
                .map(ignored -> TemplateView.of(template))
                .onFailure(Templates::uniqueViolation).transform(e -> Problems.conflict("conflict",
                        "another change of this template's lineage came first; read it again and retry"));
    }

    /** A grant on a template is on its lineage: given on the root (or any version), it opens every version. */
    private static List<io.clp.tenancy.grant.EntityRef> lineage(Template template) {
        return List.of(new io.clp.tenancy.grant.EntityRef(Template.ENTITY_TYPE, template.lineage()));
    }

    private static void ownedNotPublic(Template template) {
        if (template.orgId == null) {
            throw Problems.forbidden("public templates are read-only; create an own template instead");
        }
    }

    /** The request as a template row, or the problem naming every field that is wrong. */
    static Template checked(TemplateRequest request) {
        List<FieldError> errors = new ArrayList<>();
        DspType dsp = null;
        if (request.dspType() != null) {
            dsp = DspType.fromLabel(request.dspType()).orElse(null);
            if (dsp == null) {
                throw Problems.validation("dspType", "must be one of " + DspType.labels());
            }
        }
        for (FieldError tooLarge : new FieldError[] {InputSchema.tooLarge("config", request.config()),
                InputSchema.tooLarge("defaultParams", request.defaultParams())}) {
            if (tooLarge != null) {
                errors.add(tooLarge);
            }
        }
        if (!errors.isEmpty()) {
            throw InputProblems.unprocessable(errors);
        }
        errors.addAll(InputSchema.check("inputSchema", request.inputSchema()));
        Map<String, Object> defaults = request.defaultParams() == null ? Map.of() : request.defaultParams();
        if (errors.isEmpty()) {
            errors.addAll(InputSchema.validate("defaultParams", InputSchema.withoutRequired(request.inputSchema()), defaults));
        }
        if (!errors.isEmpty()) {
            throw InputProblems.unprocessable(errors);
        }
        Template t = new Template();
        t.name = request.name().strip();
        t.description = request.description();
        t.category = request.category();
        t.templateType = request.templateType();
        t.dspType = dsp;
        t.config = request.config() == null ? Map.of() : new LinkedHashMap<>(request.config());
        t.defaultParams = new LinkedHashMap<>(defaults);
        t.inputSchema = new LinkedHashMap<>(request.inputSchema());
        t.requiredInputs = InputSchema.requiredInputs(request.inputSchema());
        t.optionalInputs = InputSchema.optionalInputs(request.inputSchema());
        t.publicTemplate = false;
        t.active = true;
        return t;
    }

    static boolean uniqueViolation(Throwable failure) {
        return DatabaseErrors.hasSqlState(failure, "23505");
    }
}
