package io.clp.campaign.sync;

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

/** One sync run as the API reads it; the engine writes runs in SQL ({@link SyncStore}). */
@Entity
@Table(name = "sync_runs")
public class SyncRun extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false)
    public UUID orgId;

    @Column(name = "dsp_account_id", nullable = false)
    public UUID dspAccountId;

    public String kind;

    @Column(name = "trigger")
    public String trigger;

    public String status;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> checkpoint;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> counts;

    public int pages;

    @Column(name = "dsp_wait_ms")
    public long dspWaitMs;

    @Column(name = "write_ms")
    public long writeMs;

    @Column(name = "updated_since")
    public Instant updatedSince;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "heartbeat_at")
    public Instant heartbeatAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(columnDefinition = "text")
    public String error;

    public int attempt;

    public boolean retryable;

    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;
}
