package io.clp.pipeline.pipeline;

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

/**
 * A scheduled ETL pipeline of an organization: made from a template version (its parameters merged over the template's
 * defaults in {@link #config}) or bare (a connector type and its config). Execution bookkeeping ({@code last_*},
 * the execution counters) is written by the executions, not by the API, and is read-only here.
 */
@Entity
@Table(name = "pipelines")
public class Pipeline extends PanacheEntityBase {

    public static final String ENTITY_TYPE = "pipeline";

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false)
    public UUID orgId;

    @Column(nullable = false)
    public String name;

    @Column(columnDefinition = "text")
    public String description;

    @Column(name = "dsp_account_id")
    public UUID dspAccountId;

    @Column(name = "template_id")
    public UUID templateId;

    @Column(name = "connector_type")
    public String connectorType;

    @Column(name = "schedule_type", nullable = false)
    public String scheduleType;

    @Column(name = "schedule_cron")
    public String scheduleCron;

    @Column(name = "schedule_interval_minutes")
    public Integer scheduleIntervalMinutes;

    @Column(name = "schedule_timezone", nullable = false)
    public String scheduleTimezone;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, columnDefinition = "jsonb")
    public Map<String, Object> config;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "retry_config", nullable = false, columnDefinition = "jsonb")
    public Map<String, Object> retryConfig;

    @Column(nullable = false)
    public String status;

    /** Why the service set the status (the scheduler fails a pipeline whose stored schedule it cannot read); cleared by a user's change of status. */
    @Column(name = "status_reason", columnDefinition = "text")
    public String statusReason;

    @Column(name = "lookback_days", nullable = false)
    public int lookbackDays;

    @Column(name = "next_run_at")
    public Instant nextRunAt;

    @Column(name = "last_run_at", insertable = false, updatable = false)
    public Instant lastRunAt;

    @Column(name = "last_run_status", insertable = false, updatable = false)
    public String lastRunStatus;

    @Column(name = "total_executions", insertable = false, updatable = false)
    public int totalExecutions;

    @Column(name = "successful_executions", insertable = false, updatable = false)
    public int successfulExecutions;

    @Column(name = "failed_executions", insertable = false, updatable = false)
    public int failedExecutions;

    @Column(name = "created_by")
    public UUID createdBy;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false, insertable = false, updatable = false)
    public Instant updatedAt;
}
