package io.clp.campaign.hierarchy;

import io.clp.campaign.account.DspType;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.UUID;

/**
 * The columns every level of the campaign hierarchy shares. Read-only here: the sync writes these rows
 * with set-based SQL, this API only reads them.
 */
@MappedSuperclass
public abstract class HierarchyEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false)
    public UUID orgId;

    @Column(name = "dsp_account_id")
    public UUID dspAccountId;

    @Enumerated(EnumType.STRING)
    @JdbcTypeCode(SqlTypes.NAMED_ENUM)
    @Column(name = "dsp_type", nullable = false, columnDefinition = "dsp_type")
    public DspType dspType;

    @Column(name = "external_id", nullable = false)
    public String externalId;

    @Column(nullable = false)
    public String name;

    public String status;

    @Column(name = "native_status")
    public String nativeStatus;

    /**
     * The labels, a JSON array, read as its text and shown as kept (Hibernate Reactive's JSON type reads JSON
     * objects only: a {@code jsonb} array fails with a ClassCastException).
     */
    @ColumnTransformer(read = "labels::text")
    @Column(columnDefinition = "jsonb", insertable = false, updatable = false)
    public String labels;

    @Column(name = "dsp_updated_at")
    public Instant dspUpdatedAt;

    @Column(name = "removed_at")
    public Instant removedAt;

    @Column(name = "last_synced_at")
    public Instant lastSyncedAt;

    @Column(name = "sync_version", nullable = false)
    public int syncVersion;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

}
