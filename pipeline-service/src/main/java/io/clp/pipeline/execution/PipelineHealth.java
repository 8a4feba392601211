package io.clp.pipeline.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.platform.pagination.Cursor;
import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.work.OrganizationWork;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.ZoneOffset;
import java.util.UUID;

/** The organization's pipelines' health, from the {@code pipeline_health} view (live pipelines only). */
@ApplicationScoped
public class PipelineHealth {

    private static final String FROM = " FROM pipeline_health h JOIN pipelines p ON p.id = h.pipeline_id WHERE h.org_id = ?1";

    private final OrganizationWork work;
    private final ObjectMapper json;

    PipelineHealth(OrganizationWork work, ObjectMapper json) {
        this.work = work;
        this.json = json;
    }

    /** Newest pipeline first (keyset on the pipeline's created_at, id). */
    public Uni<Page<PipelineHealthView>> list(UUID orgId, PageRequest page) {
        return work.run(orgId, Permission.PIPELINE_READ, () -> Panache.getSession().chain(s -> {
                    String sql = "SELECT " + PipelineHealthView.JSON + FROM
                            + (page.after().isPresent() ? " AND (p.created_at, p.id) < (CAST(?2 AS timestamptz), CAST(?3 AS uuid))" : "")
                            + " ORDER BY p.created_at DESC, p.id DESC LIMIT " + (page.limit() + 1);
                    var query = s.createNativeQuery(sql, String.class).setParameter(1, orgId);
                    page.after().ifPresent(after -> query.setParameter(2, after.at().atOffset(ZoneOffset.UTC)).setParameter(3, after.id()));
                    return query.getResultList();
                }))
                .map(rows -> Page.of(rows.stream().map(this::read).toList(), page.limit(),
                        h -> new Cursor(h.createdAt().toInstant(), h.pipelineId()), h -> h));
    }

    public Uni<PipelineHealthView> get(UUID orgId, UUID pipelineId) {
        return work.onEntity(orgId, Permission.PIPELINE_READ, Executions.ENTITY_TYPE, pipelineId,
                () -> Panache.getSession().chain(s -> s.createNativeQuery("SELECT " + PipelineHealthView.JSON + FROM
                                + " AND h.pipeline_id = ?2", String.class).setParameter(1, orgId).setParameter(2, pipelineId)
                        .getResultList()).map(rows -> rows.isEmpty() ? null : read(rows.get(0))),
                Uni.createFrom()::item);
    }

    private PipelineHealthView read(String row) {
        try {
            return json.readValue(row, PipelineHealthView.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read a pipeline_health row", e);
        }
    }

}
