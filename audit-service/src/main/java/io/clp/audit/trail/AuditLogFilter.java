package io.clp.audit.trail;

import java.util.UUID;

/** What a reader of the trail narrows it to: one resource type, one resource, or both (null: any). */
public record AuditLogFilter(String resourceType, UUID resourceId) {
}
