package io.clp.pipeline;

import io.clp.testing.TestDatabase;
import io.clp.testing.TestOrganizations;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** Pipelines and executions written straight to the database, as the pipelines API would create them. */
public final class PipelineFixtures {

    private PipelineFixtures() {
    }

    /** A new organization the service knows. */
    public static UUID organization() {
        return TestOrganizations.known("pipeline", UUID.randomUUID());
    }

    public static String token(UUID orgId, String role) {
        return TestTokens.token(User.member(orgId, role));
    }

    /** An active pipeline on a cron schedule, next due at {@code nextRunAt}. */
    public static UUID cron(UUID orgId, String cron, String timezone, Instant nextRunAt, int lookbackDays) {
        return insert(orgId, "active", "cron", cron, null, timezone, nextRunAt, lookbackDays);
    }

    /** An active pipeline every {@code minutes}, next due at {@code nextRunAt}. */
    public static UUID interval(UUID orgId, int minutes, Instant nextRunAt) {
        return insert(orgId, "active", "interval", null, minutes, "UTC", nextRunAt, 2);
    }

    /** A pipeline run by hand only, in {@code status}. */
    public static UUID manual(UUID orgId, String status) {
        return insert(orgId, status, "manual", null, null, "UTC", null, 2);
    }

    public static UUID insert(UUID orgId, String status, String type, String cron, Integer minutes, String timezone,
                              Instant nextRunAt, int lookbackDays) {
        UUID id = UUID.randomUUID();
        TestDatabase.execute("""
                INSERT INTO pipeline.pipelines (id, org_id, name, schedule_type, schedule_cron, schedule_interval_minutes,
                                                schedule_timezone, status, next_run_at, lookback_days)
                VALUES (?, ?, ?, ?, CAST(? AS varchar), CAST(? AS integer), ?, ?, CAST(? AS timestamptz), ?)
                """, id, orgId, "pipeline " + id, type, cron, minutes, timezone, status,
                nextRunAt == null ? null : OffsetDateTime.ofInstant(nextRunAt, ZoneOffset.UTC), lookbackDays);
        return id;
    }

    /** An execution of the pipeline in {@code status}. */
    public static UUID execution(UUID pipelineId, String type, String status) {
        UUID id = UUID.randomUUID();
        TestDatabase.execute("""
                INSERT INTO pipeline.etl_executions (id, pipeline_id, org_id, execution_type, status, data_from, data_to,
                                                     bronze_status, bronze_records, bronze_size_bytes, bronze_duration_ms)
                SELECT ?, id, org_id, ?, ?, DATE '2026-11-01', DATE '2026-11-02', 'completed', 1200, 65536, 830
                FROM pipeline.pipelines WHERE id = ?
                """, id, type, status, pipelineId);
        return id;
    }

    public static long executions(UUID pipelineId) {
        return TestDatabase.count("SELECT count(*) FROM pipeline.etl_executions WHERE pipeline_id = ?", pipelineId);
    }

    public static String column(UUID pipelineId, String column) {
        return TestDatabase.text("SELECT " + column + "::text FROM pipeline.pipelines WHERE id = ?", pipelineId);
    }
}
