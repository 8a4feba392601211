package io.clp.pipeline.template;

import io.clp.platform.pagination.PageRequest;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.List;
import java.util.UUID;

/** The queries on templates. Must run in a transaction that may see the organization's rows. */
@ApplicationScoped
public class TemplateRepository implements PanacheRepositoryBase<Template, UUID> {

    /** What a list may filter on; null: any. */
    public record Filter(DspType dspType, String category, String templateType) {
    }

    /**
     * One page of the templates the organization may use, oldest first (keyset on created_at, id): the public ones and its
     * own, each lineage by its active (newest) version only.
     */
    public Uni<List<Template>> page(UUID orgId, Filter filter, PageRequest page) {
        StringBuilder query = new StringBuilder("active = true and ((orgId is null and publicTemplate = true) or orgId = :org)");
        Parameters params = Parameters.with("org", orgId);
        if (filter.dspType() != null) {
            query.append(" and dspType = :dsp");
            params.and("dsp", filter.dspType());
        }
        if (filter.category() != null) {
            query.append(" and category = :category");
            params.and("category", filter.category());
        }
        if (filter.templateType() != null) {
            query.append(" and templateType = :type");
            params.and("type", filter.templateType());
        }
        page.after().ifPresent(after -> {
            query.append(" and (createdAt > :at or (createdAt = :at and id > :id))");
            params.and("at", after.at()).and("id", after.id());
        });
        return find(query.append(" order by createdAt, id").toString(), params).range(0, page.limit()).list();
    }

    /** Any version of a template the organization may read (public or its own), or null. */
    public Uni<Template> readable(UUID orgId, UUID templateId) {
        return find("id = ?1 and ((orgId is null and publicTemplate = true) or orgId = ?2)", templateId, orgId).firstResult();
    }

    /**
     * Locks the lineage (its root row) until the transaction ends, then reads {@code version} again: every edit and delete
     * of a lineage takes this lock first, so they run one after the other and each sees the one before.
     */
    public Uni<Template> lockLineage(Template version) {
        return find("id = ?1", version.lineage()).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult()
                .chain(root -> getSession().chain(session -> session.refresh(version, LockModeType.PESSIMISTIC_WRITE)))
                .replaceWith(version);
    }

    /** The lineage's active version, or null when the lineage was deleted. */
    public Uni<Template> activeOf(UUID lineage) {
        return find("active = true and (id = ?1 or rootTemplateId = ?1)", lineage).firstResult();
    }

    /**
     * Counts one more pipeline made from the template, in the caller's transaction: one set-based increment (through
     * {@code count_template_use}, which may write a public template's counter and nothing else of it).
     */
    public Uni<Boolean> countUse(UUID templateId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("SELECT count_template_use(?1)")
                .setParameter(1, templateId).getSingleResult())
                .map(counted -> counted instanceof Number n && n.intValue() > 0);
    }
}
