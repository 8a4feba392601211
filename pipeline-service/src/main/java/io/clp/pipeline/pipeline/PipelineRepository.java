package io.clp.pipeline.pipeline;

import io.clp.platform.pagination.PageRequest;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.List;
import java.util.UUID;

/** The queries on pipelines and on the DSP accounts they may read from. Must run in a transaction that may see the organization's rows. */
@ApplicationScoped
public class PipelineRepository implements PanacheRepositoryBase<Pipeline, UUID> {

    /** What a list may filter on; null: any. */
    public record Filter(String status, UUID dspAccountId, UUID templateId) {
    }

    /** One page of the organization's pipelines, oldest first (keyset on created_at, id). */
    public Uni<List<Pipeline>> page(UUID orgId, Filter filter, PageRequest page) {
        StringBuilder query = new StringBuilder("orgId = :org");
        Parameters params = Parameters.with("org", orgId);
        if (filter.status() != null) {
            query.append(" and status = :status");
            params.and("status", filter.status());
        }
        if (filter.dspAccountId() != null) {
            query.append(" and dspAccountId = :account");
            params.and("account", filter.dspAccountId());
        }
        if (filter.templateId() != null) {
            query.append(" and templateId = :template");
            params.and("template", filter.templateId());
        }
        page.after().ifPresent(after -> {
            query.append(" and (createdAt > :at or (createdAt = :at and id > :id))");
            params.and("at", after.at()).and("id", after.id());
        });
        return find(query.append(" order by createdAt, id").toString(), params).range(0, page.limit()).list();
    }

    public Uni<Pipeline> inOrganization(UUID orgId, UUID pipelineId) {
        return find("id = ?1 and orgId = ?2", pipelineId, orgId).firstResult();
    }

    /** The organization's pipeline, its row locked until the transaction ends. */
    public Uni<Pipeline> inOrganizationForChange(UUID orgId, UUID pipelineId) {
        return find("id = ?1 and orgId = ?2", pipelineId, orgId).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /**
     * The DSP type of the organization's active DSP account (as the {@code dsp_account_refs} read model knows it), or null:
     * an account that is unknown, disabled or another organization's is refused alike.
     */
    public Uni<String> activeDspAccountType(UUID orgId, UUID accountId) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT CAST(dsp_type AS text) FROM dsp_account_refs WHERE id = ?1 AND org_id = ?2 AND is_active AND deleted_at IS NULL", String.class)
                .setParameter(1, accountId).setParameter(2, orgId)
                .getResultList())
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }
}
