package io.clp.pipeline.schedule;

import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.clp.pipeline.PipelineFixtures.column;
import static io.clp.pipeline.PipelineFixtures.cron;
import static io.clp.pipeline.PipelineFixtures.executions;
import static io.clp.pipeline.PipelineFixtures.interval;
import static io.clp.pipeline.PipelineFixtures.organization;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class PipelineSchedulerTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Inject
    ScheduledRuns runs;

    private void tick() {
        runs.startDue(1000).await().atMost(Duration.ofSeconds(30));
    }

    private static String execution(UUID pipelineId, String column) {
        return TestDatabase.text("SELECT " + column + "::text FROM pipeline.etl_executions WHERE pipeline_id = ? "
                + "ORDER BY scheduled_at DESC LIMIT 1", pipelineId);
    }

    private static Instant nextRunAt(UUID pipelineId) {
        return Instant.parse(TestDatabase.text("SELECT to_char(next_run_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
                + "FROM pipeline.pipelines WHERE id = ?", pipelineId));
    }

    @Test
    void aDuePipelineGetsOnePendingExecutionPerTickAndItsNextRun() {
        UUID orgId = organization();
        Instant due = Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        UUID pipeline = interval(orgId, 60, due);
        UUID notDue = interval(orgId, 60, Instant.now().plus(1, ChronoUnit.HOURS));
        String updatedAt = column(pipeline, "updated_at");

        tick();
        tick();

        assertThat(executions(pipeline)).isEqualTo(1);
        assertThat(executions(notDue)).isZero();
        assertThat(execution(pipeline, "status")).isEqualTo("pending");
        assertThat(execution(pipeline, "execution_type")).isEqualTo("scheduled");
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.etl_executions WHERE pipeline_id = ? AND scheduled_at = ?",
                pipeline, java.time.OffsetDateTime.ofInstant(due, java.time.ZoneOffset.UTC))).isEqualTo(1);
        assertThat(execution(pipeline, "config->>'lookbackDays'")).isEqualTo("2");
        assertThat(column(pipeline, "total_executions")).isEqualTo("1");
        assertThat(column(pipeline, "last_execution_id")).isEqualTo(execution(pipeline, "id"));
        assertThat(nextRunAt(pipeline)).isEqualTo(due.plus(1, ChronoUnit.HOURS));
        // run bookkeeping is not a change of the pipeline
        assertThat(column(pipeline, "updated_at")).isEqualTo(updatedAt);
    }

    @Test
    void aPipelineThatMissedFiveTicksGetsOneExecutionAndItsNextTickOnTheCadence() {
        UUID orgId = organization();
        Instant missed = Instant.now().minus(Duration.ofMinutes(5 * 60 - 7)).truncatedTo(ChronoUnit.SECONDS);
        UUID pipeline = interval(orgId, 60, missed);

        tick();

        assertThat(executions(pipeline)).isEqualTo(1);
        Instant next = nextRunAt(pipeline);
        assertThat(next).isAfter(Instant.now()).isBefore(Instant.now().plus(1, ChronoUnit.HOURS));
        assertThat(Duration.between(missed, next).toMinutes() % 60).isZero();
        assertThat(Duration.between(missed, next)).isEqualTo(Duration.ofHours(5));
    }

    @Test
    void twoSchedulersTickingAtOnceCreateOneExecutionPerPipelineAndTick() {
        UUID orgId = organization();
        Instant due = Instant.now().minus(3, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        List<UUID> pipelines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            pipelines.add(interval(orgId, 15, due));
        }

        Uni.combine().all().unis(runs.startDue(1000), runs.startDue(1000), runs.startDue(7)).asTuple()
                .await().atMost(Duration.ofSeconds(30));

        for (UUID pipeline : pipelines) {
            assertThat(executions(pipeline)).as("executions of %s", pipeline).isEqualTo(1);
            assertThat(column(pipeline, "total_executions")).isEqualTo("1");
        }
    }

    @Test
    void aTickThatAlreadyHasItsExecutionIsNotRunTwiceButTheScheduleMovesOn() {
        UUID orgId = organization();
        Instant due = Instant.now().minus(2, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        UUID pipeline = interval(orgId, 30, due);
        // another instance created the tick's execution (its transaction raced this one's claim)
        TestDatabase.execute("""
                INSERT INTO pipeline.etl_executions (pipeline_id, org_id, execution_type, status, scheduled_at)
                SELECT id, org_id, 'scheduled', 'pending', next_run_at FROM pipeline.pipelines WHERE id = ?
                """, pipeline);

        tick();

        assertThat(executions(pipeline)).isEqualTo(1);
        assertThat(column(pipeline, "total_executions")).isEqualTo("0");
        assertThat(nextRunAt(pipeline)).isEqualTo(due.plus(30, ChronoUnit.MINUTES));
    }

    @Test
    void aCronPipelineInNewYorkReadsTheLocalDaysBeforeItsTick() {
        UUID orgId = organization();
        Schedule schedule = Schedule.of("cron", "0 22 * * *", null, "America/New_York");
        Instant due = schedule.latestAtOrBefore(Instant.now().minus(Duration.ofDays(2)), Instant.now());
        UUID pipeline = cron(orgId, "0 22 * * *", "America/New_York", due, 1);

        tick();
        java.time.LocalDate runDate = due.atZone(NEW_YORK).toLocalDate();
        assertThat(execution(pipeline, "scheduled_at AT TIME ZONE 'America/New_York'")).isEqualTo(runDate + " 22:00:00");
        assertThat(execution(pipeline, "data_from")).isEqualTo(runDate.minusDays(2).toString());
        assertThat(execution(pipeline, "data_to")).isEqualTo(runDate.minusDays(1).toString());

        Instant next = nextRunAt(pipeline);
        assertThat(next).isAfter(Instant.now());
        assertThat(next.atZone(NEW_YORK).toLocalTime()).isEqualTo(LocalTime.of(22, 0));
    }

    @Test
    void missedDailyTicksGiveOneExecutionAtTheLatestTickReadingEveryMissedDay() {
        UUID orgId = organization();
        Schedule schedule = Schedule.of("cron", "0 6 * * *", null, "UTC");
        Instant latest = schedule.latestAtOrBefore(Instant.now().minus(Duration.ofDays(2)), Instant.now());
        Instant oldest = latest.minus(Duration.ofDays(4));
        UUID pipeline = cron(orgId, "0 6 * * *", "UTC", oldest, 2);

        tick();

        assertThat(executions(pipeline)).isEqualTo(1);
        java.time.LocalDate oldestDay = oldest.atZone(java.time.ZoneOffset.UTC).toLocalDate();
        java.time.LocalDate latestDay = latest.atZone(java.time.ZoneOffset.UTC).toLocalDate();
        assertThat(execution(pipeline, "scheduled_at AT TIME ZONE 'UTC'")).isEqualTo(latestDay + " 06:00:00");
        assertThat(execution(pipeline, "data_from")).isEqualTo(oldestDay.minusDays(3).toString());
        assertThat(execution(pipeline, "data_to")).isEqualTo(latestDay.minusDays(1).toString());
        assertThat(nextRunAt(pipeline)).isEqualTo(latest.plus(Duration.ofDays(1)));
    }

    @Test
    void aPipelineDueYearsAgoReadsAtMost366Days() {
        UUID orgId = organization();
        Schedule schedule = Schedule.of("cron", "0 6 * * *", null, "UTC");
        Instant latest = schedule.latestAtOrBefore(Instant.now().minus(Duration.ofDays(2)), Instant.now());
        UUID pipeline = cron(orgId, "0 6 * * *", "UTC", latest.minus(Duration.ofDays(3 * 365)), 2);

        tick();

        assertThat(executions(pipeline)).isEqualTo(1);
        assertThat(execution(pipeline, "(data_to - data_from + 1)")).isEqualTo("366");
    }

    @Test
    void aPipelineWithABrokenStoredCronEndsFailedWithTheReasonAndTheOthersStillRun() {
        UUID orgId = organization();
        Instant due = Instant.now().minus(1, ChronoUnit.MINUTES);
        UUID broken = cron(orgId, "61 25 * * *", "UTC", due, 2);
        UUID badZone = cron(orgId, "0 6 * * *", "Mars/Olympus", due, 2);
        UUID healthy = interval(orgId, 60, due);
        String brokenUpdatedAt = column(broken, "updated_at");

        tick();

        assertThat(column(broken, "status")).isEqualTo("failed");
        assertThat(column(broken, "status_reason")).contains("scheduleCron");
        assertThat(column(broken, "next_run_at")).isNull();
        assertThat(column(broken, "updated_at")).isNotEqualTo(brokenUpdatedAt);
        assertThat(executions(broken)).isZero();
        assertThat(column(badZone, "status")).isEqualTo("failed");
        assertThat(column(badZone, "status_reason")).contains("scheduleTimezone");
        assertThat(executions(healthy)).isEqualTo(1);
    }

    @Test
    void aManualPipelineThatWasLeftDueEndsFailedInsteadOfRunning() {
        UUID orgId = organization();
        UUID manual = io.clp.pipeline.PipelineFixtures.insert(orgId, "active", "manual", null, null, "UTC",
                Instant.now().minus(1, ChronoUnit.MINUTES), 2);

        tick();

        assertThat(executions(manual)).isZero();
        assertThat(column(manual, "status")).isEqualTo("failed");
        assertThat(column(manual, "status_reason")).contains("manual");
    }

    @Test
    void aSuspendedOrganizationsPipelinesAreNotScheduledUntilItIsActiveAgain() {
        UUID orgId = organization();
        UUID pipeline = interval(orgId, 60, Instant.now().minus(1, ChronoUnit.MINUTES));
        TestDatabase.execute("UPDATE pipeline.organization_refs SET status = 'suspended' WHERE org_id = ?", orgId);

        tick();
        assertThat(executions(pipeline)).isZero();

        TestDatabase.execute("UPDATE pipeline.organization_refs SET status = 'active' WHERE org_id = ?", orgId);
        tick();
        assertThat(executions(pipeline)).isEqualTo(1);
    }

    @Test
    void pausedDraftAndDeletedPipelinesAreNotScheduled() {
        UUID orgId = organization();
        Instant due = Instant.now().minus(1, ChronoUnit.MINUTES);
        UUID paused = interval(orgId, 60, due);
        UUID deleted = interval(orgId, 60, due);
        TestDatabase.execute("UPDATE pipeline.pipelines SET status = 'paused' WHERE id = ?", paused);
        TestDatabase.execute("UPDATE pipeline.pipelines SET is_active = false WHERE id = ?", deleted);

        tick();

        assertThat(executions(paused)).isZero();
        assertThat(executions(deleted)).isZero();
    }

    @Inject
    PipelineScheduler scheduler;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Test
    void aBatchBelowOneIsRefusedAtStartWithAClearMessage() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PipelineScheduler.validBatch(0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("clp.pipelines.scheduler.batch must be at least 1");
        assertThat(PipelineScheduler.validBatch(1)).isEqualTo(1);
    }

    @Test
    void aHungTickIsGivenUpAfterTheTimeoutAndTheLastSuccessGaugeMovesOnlyOnSuccess() {
        PipelineScheduler quick = new PipelineScheduler(runs, 10, Duration.ofMillis(200),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        Uni<Void> never = Uni.createFrom().nothing();
        quick.guarded(never).await().atMost(Duration.ofSeconds(5));
        assertThat(quick.lastSuccessEpochSeconds()).isZero();

        quick.guarded(Uni.createFrom().voidItem()).await().atMost(Duration.ofSeconds(5));
        assertThat(quick.lastSuccessEpochSeconds()).isGreaterThan(0);

        scheduler.tick().await().atMost(Duration.ofSeconds(30));
        assertThat(registry.get("clp.pipeline.scheduler.last.success.seconds").gauge().value()).isGreaterThan(0);
    }

    @Test
    void aBatchWaitingOnALockFailsAfterTheLockTimeoutInsteadOfHanging() throws Exception {
        UUID orgId = organization();
        UUID pipeline = interval(orgId, 60, Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS));
        try (java.sql.Connection other = io.clp.testing.TestPostgres.get().server().connect(io.clp.testing.TestPostgres.DATABASE)) {
            other.setAutoCommit(false);
            try (var ps = other.prepareStatement("""
                    INSERT INTO pipeline.etl_executions (pipeline_id, org_id, execution_type, status, scheduled_at)
                    SELECT id, org_id, 'scheduled', 'pending', next_run_at FROM pipeline.pipelines WHERE id = ?
                    """)) {
                ps.setObject(1, pipeline);
                ps.executeUpdate();
            }
            long started = System.nanoTime();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> runs.startDue(1000).await().atMost(Duration.ofSeconds(30)))
                    .hasMessageContaining("lock timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
            other.rollback();
        }
        tick();
        assertThat(executions(pipeline)).isEqualTo(1);
    }

    @Test
    void aPipelineWhoseExecutionIsBeingInsertedElsewhereIsStillClaimed() throws Exception {
        UUID orgId = organization();
        UUID pipeline = interval(orgId, 60, Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS));
        try (java.sql.Connection other = io.clp.testing.TestPostgres.get().server().connect(io.clp.testing.TestPostgres.DATABASE)) {
            other.setAutoCommit(false);
            try (var ps = other.prepareStatement("""
                    INSERT INTO pipeline.etl_executions (pipeline_id, org_id, execution_type, status)
                    SELECT id, org_id, 'manual', 'pending' FROM pipeline.pipelines WHERE id = ?
                    """)) {
                ps.setObject(1, pipeline);
                ps.executeUpdate();
            }
            tick();
            other.rollback();
        }
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.etl_executions WHERE pipeline_id = ? AND execution_type = 'scheduled'",
                pipeline)).isEqualTo(1);
    }
}
