package io.clp.audit.trail;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** An audit log entry as the API shows it. */
public record AuditLogView(UUID id, UUID orgId, String action, String resourceType, UUID resourceId,
                           String service, Actor actor, Map<String, Object> oldValues, Map<String, Object> newValues,
                           Map<String, Object> changes, Instant committedAt, Instant recordedAt) {

    /** Who made the change; null until the change's transaction context has been seen. */
    public record Actor(String id, UUID userId, String name, String requestId) {
    }

    static AuditLogView of(AuditLog log) {
        Actor actor = log.actor == null ? null : new Actor(log.actor, log.userId, log.actorName, log.requestId);
        return new AuditLogView(log.id, log.orgId, log.action, log.resourceType, log.resourceId, log.sourceService,
                actor, log.oldValues, log.newValues, log.changes, log.committedAt, log.createdAt);
    }
}
