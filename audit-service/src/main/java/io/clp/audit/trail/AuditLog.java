package io.clp.audit.trail;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One change to one row of a service's data, with who made it. Immutable once attributed. */
@Entity
@Table(name = "audit_logs")
public class AuditLog extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "org_id")
    public UUID orgId;

    @Column(name = "user_id")
    public UUID userId;

    @Column(nullable = false)
    public String action;

    @Column(name = "resource_type", nullable = false)
    public String resourceType;

    @Column(name = "resource_id")
    public UUID resourceId;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "old_values")
    public Map<String, Object> oldValues;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "new_values")
    public Map<String, Object> newValues;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> changes;

    @Column(name = "request_id")
    public String requestId;

    @Column(nullable = false)
    public boolean success = true;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "source_service", nullable = false)
    public String sourceService;

    @Column(name = "tx_id", nullable = false)
    public long txId;

    public String actor;

    @Column(name = "actor_name")
    public String actorName;

    @Column(name = "committed_at", nullable = false)
    public Instant committedAt;

    /** The change's own identity ({@link ChangeEvent#eventId()}): a redelivered change is recorded once. */
    @Column(name = "change_id")
    public UUID changeId;
}
