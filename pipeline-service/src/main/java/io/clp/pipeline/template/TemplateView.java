package io.clp.pipeline.template;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A template version as the API shows it. */
public record TemplateView(UUID id, String name, String description, String category, String templateType, String dspType,
                           Map<String, Object> config, Map<String, Object> defaultParams, Map<String, Object> inputSchema,
                           List<String> requiredInputs, List<String> optionalInputs, boolean isPublic, UUID organizationId,
                           int version, UUID parentTemplateId, UUID rootTemplateId, boolean active, int usageCount,
                           UUID createdBy, Instant createdAt, Instant updatedAt) {

    static TemplateView of(Template t) {
        return new TemplateView(t.id, t.name, t.description, t.category, t.templateType, t.dspType == null ? null : t.dspType.name(),
                t.config, t.defaultParams, t.inputSchema, t.requiredInputs, t.optionalInputs, t.publicTemplate, t.orgId, t.version,
                t.parentTemplateId, t.lineage(), t.active, t.usageCount, t.createdBy, t.createdAt, t.updatedAt);
    }
}
