package io.clp.identity.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.clp.tenancy.organization.OrganizationStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** A tenant: an agency or ad-ops team. Every org-scoped row of every service carries its id. */
@Entity
@Table(name = "organizations")
public class Organization extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    /** Lowercase letters, digits and hyphens, 3 to 63 characters; unique and immutable. */
    @Column(nullable = false, updatable = false)
    public String slug;

    public String domain;

    /** A new organization starts on trial; operators move it between trial, active and suspended. */
    @Convert(converter = OrganizationStatusLabel.class)
    @Column(nullable = false)
    public OrganizationStatus status = OrganizationStatus.TRIAL;

    /** The plan's constants are its labels in the column. */
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Plan plan = Plan.DEFAULT;

    @Column(name = "monthly_budget", precision = 15, scale = 2)
    public BigDecimal monthlyBudget;

    @JdbcTypeCode(SqlTypes.CHAR)
    @Column(length = 3)
    public String currency;

    public String industry;

    @Column(name = "company_size")
    public String companySize;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> settings = new HashMap<>();

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false, insertable = false, updatable = false)
    public Instant updatedAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;

    /**
     * Incremented with every change: an update from a stale read fails (409 concurrent-modification)
     * rather than writing back an old status or deletion, and the organization events carry it so
     * that other services apply them in this order (OrganizationRefs).
     */
    @Version
    @Column(nullable = false)
    public Long version;

    /** Whether the organization still exists for its members: a deleted one is gone (404), its rows kept for the audit trail. */
    public boolean live() {
        return deletedAt == null;
    }

    /** Soft deletion: the status says so and the time is kept; nothing revives it. */
    public void markDeleted(Instant at) {
        status = OrganizationStatus.DELETED;
        deletedAt = at;
    }
}
