package io.clp.pipeline.run;

import io.clp.events.pipeline.ExecutionCancelled;
import io.clp.events.pipeline.ExecutionCompleted;
import io.clp.events.pipeline.ExecutionFailed;
import io.clp.testing.EmittedEvent;
import io.clp.testing.EmittedEvents;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.clp.pipeline.PipelineFixtures.column;
import static io.clp.pipeline.PipelineFixtures.manual;
import static io.clp.pipeline.PipelineFixtures.organization;
import static io.clp.pipeline.PipelineFixtures.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class ExecutorTest {

    private static final LocalDate DAY = LocalDate.of(2026, 11, 1);

    @Inject
    Executor executor;

    @Inject
    io.clp.pipeline.execution.ExecutionStreams streams;

    @TestHTTPResource("/")
    URI base;

    /** A stage's behaviour in a test. */
    @FunctionalInterface
    interface Step {
        StageResult run(RunContext context) throws Exception;
    }

    /** Stages scripted per test, recording what ran: "<executionId>:<stage>". */
    static final class Script implements Stages {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final List<UUID> cleaned = Collections.synchronizedList(new ArrayList<>());
        Step bronze = c -> new StageResult(100, 2048, 0, null, Map.of());
        Step silver = c -> new StageResult(95, 0, 5, null, Map.of());
        Step gold = c -> new StageResult(40, 0, 0, null, Map.of("tablesUpdated", List.of("daily_metrics")));

        @Override
        public StageResult bronze(RunContext context) throws Exception {
            calls.add(context.executionId() + ":bronze");
            return bronze.run(context);
        }

        @Override
        public StageResult silver(RunContext context) throws Exception {
            calls.add(context.executionId() + ":silver");
            return silver.run(context);
        }

        @Override
        public StageResult gold(RunContext context) throws Exception {
            calls.add(context.executionId() + ":gold");
            return gold.run(context);
        }

        @Override
        public void cleanUp(RunContext context) {
            cleaned.add(context.executionId());
        }

        List<String> of(UUID execution) {
            synchronized (calls) {
                return calls.stream().filter(c -> c.startsWith(execution + ":")).map(c -> c.substring(c.indexOf(':') + 1)).toList();
            }
        }
    }

    /** A pending execution of the pipeline, with the pipeline's config snapshot plus {@code extra} (JSON object). */
    static UUID pending(UUID pipelineId, String type, LocalDate day, String extra) {
        UUID id = UUID.randomUUID();
        TestDatabase.execute("""
                INSERT INTO pipeline.etl_executions (id, pipeline_id, org_id, execution_type, status, data_from, data_to, config)
                SELECT ?, p.id, p.org_id, ?, 'pending', ?, ?,
                       jsonb_build_object('pipeline', p.config, 'dspAccountId', p.dsp_account_id) || CAST(? AS jsonb)
                FROM pipeline.pipelines p WHERE p.id = ?
                """, id, type, day, day, extra, pipelineId);
        return id;
    }

    static String col(UUID execution, String column) {
        return TestDatabase.text("SELECT (" + column + ")::text FROM pipeline.etl_executions WHERE id = ?", execution);
    }

    /** How many rows RunContext.HOLD_LEASE finds for the stage's context: 1 while its lease is held, else 0. */
    static long held(RunContext context) {
        return TestDatabase.count("SELECT count(*) FROM (" + RunContext.HOLD_LEASE.replace("FROM etl_executions",
                "FROM pipeline.etl_executions") + ") held", context.executionId().toString(), context.leaseOwner());
    }

    private List<UUID> run(Script script, UUID pipeline) {
        return executor.runOnce(script, List.of(pipeline));
    }

    @Test
    void anExecutionRunsItsStagesInOrderAndRecordsEachWithTheTotalsCountersAndEvent() {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        UUID execution = pending(pipeline, "manual", DAY, "{}");
        String updatedAt = column(pipeline, "updated_at");
        Script script = new Script();
        EmittedEvents.Mark mark = EmittedEvents.mark();

        assertThat(run(script, pipeline)).containsExactly(execution);

        assertThat(script.of(execution)).containsExactly("bronze", "silver", "gold");
        assertThat(script.cleaned).containsExactly(execution);
        assertThat(col(execution, "status")).isEqualTo("completed");
        assertThat(col(execution, "bronze_status || '/' || silver_status || '/' || gold_status"))
                .isEqualTo("completed/completed/completed");
        assertThat(col(execution, "bronze_records || '/' || bronze_size_bytes || '/' || silver_records || '/' "
                + "|| silver_records_filtered || '/' || gold_records || '/' || gold_tables_updated::text"))
                .isEqualTo("100/2048/95/5/40/[\"daily_metrics\"]");
        assertThat(col(execution, "total_records_processed || '/' || total_records_failed")).isEqualTo("100/5");
        assertThat(col(execution, "(bronze_duration_ms IS NOT NULL AND silver_duration_ms IS NOT NULL AND gold_duration_ms "
                + "IS NOT NULL AND total_duration_ms IS NOT NULL AND started_at <= completed_at)")).isEqualTo("true");
        assertThat(col(execution, "coalesce(lease_owner, 'none') || '/' || coalesce(progress_stage, 'none')")).isEqualTo("none/none");
        assertThat(column(pipeline, "successful_executions || '/' || failed_executions || '/' || last_run_status"))
                .isEqualTo("1/0/completed");
        assertThat(column(pipeline, "last_run_at IS NOT NULL")).isEqualTo("true");
        assertThat(column(pipeline, "updated_at")).as("run bookkeeping leaves updated_at").isEqualTo(updatedAt);

        EmittedEvent event = EmittedEvents.since(mark).single(ExecutionCompleted.TYPE, execution);
        assertThat(event.subject()).isEqualTo("pipelines/" + pipeline + "/executions/" + execution);
        assertThat(event.orgId()).isEqualTo(orgId.toString());
        assertThat(event.actor()).isEqualTo("system:pipeline");
        assertThat(event.field("recordsProcessed")).isEqualTo("100");
        assertThat(event.field("recordsFailed")).isEqualTo("5");

        given().auth().oauth2(token(orgId, "viewer"))
                .get("/api/v1/organizations/" + orgId + "/pipelines/" + pipeline + "/executions/" + execution)
                .then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("completed"))
                .body("stages.gold.records", org.hamcrest.Matchers.equalTo(40))
                .body("attempt", org.hamcrest.Matchers.equalTo(1));
    }

    @Test
    void twoExecutorsClaimingAtOnceNeverRunTheSameExecutionAndKeepEachPipelinesLimits() throws Exception {
        UUID orgId = organization();
        List<UUID> pipelines = new ArrayList<>();
        Set<UUID> executions = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 3; i++) {
            UUID pipeline = manual(orgId, "active");
            pipelines.add(pipeline);
            executions.add(pending(pipeline, "manual", DAY, "{}"));
            for (int d = 0; d < 4; d++) {
                executions.add(pending(pipeline, "backfill", DAY.plusDays(d), "{\"backfillConcurrency\": 2}"));
            }
        }
        Map<UUID, AtomicInteger> runningBackfills = new ConcurrentHashMap<>();
        Map<UUID, AtomicInteger> runningOthers = new ConcurrentHashMap<>();
        Map<UUID, Integer> most = new ConcurrentHashMap<>();
        Map<UUID, String> types = new ConcurrentHashMap<>();
        for (UUID e : executions) {
            types.put(e, col(e, "execution_type"));
        }
        Script script = new Script();
        script.bronze = c -> {
            boolean backfill = types.get(c.executionId()).equals("backfill");
            AtomicInteger running = (backfill ? runningBackfills : runningOthers).computeIfAbsent(c.pipelineId(), k -> new AtomicInteger());
            int now = running.incrementAndGet();
            most.merge(backfill ? c.pipelineId() : UUID.nameUUIDFromBytes(c.pipelineId().toString().getBytes()), now, Math::max);
            Thread.sleep(150);
            running.decrementAndGet();
            return StageResult.of(1);
        };
        Executor other = executor.withOwner("second-instance");
        String ids = String.join(",", pipelines.stream().map(UUID::toString).toList());
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<List<UUID>>> claimers = new ArrayList<>();
        for (Executor e : List.of(executor, other)) {
            claimers.add(CompletableFuture.supplyAsync(() -> {
                List<UUID> ran = new ArrayList<>();
                try {
                    go.await();
                } catch (InterruptedException ex) {
                    throw new IllegalStateException(ex);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline) {
                    List<UUID> once = e.runOnce(script, pipelines);
                    ran.addAll(once);
                    if (once.isEmpty() && TestDatabase.count("SELECT count(*) FROM pipeline.etl_executions WHERE pipeline_id::text = ANY(string_to_array(?, ',')) "
                            + "AND status IN ('pending', 'running')", ids) == 0) {
                        break;
                    }
                }
                return ran;
            }));
        }
        go.countDown();
        List<UUID> first = claimers.get(0).get(90, TimeUnit.SECONDS);
        List<UUID> second = claimers.get(1).get(90, TimeUnit.SECONDS);

        List<UUID> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(all).as("every execution claimed once, by one executor").hasSize(executions.size())
                .containsExactlyInAnyOrderElementsOf(executions);
        for (UUID e : executions) {
            assertThat(script.of(e)).as("stages of %s", e).containsExactly("bronze", "silver", "gold");
            assertThat(col(e, "status")).isEqualTo("completed");
        }
        for (UUID p : pipelines) {
            assertThat(most.get(p)).as("backfills of a pipeline running at once").isLessThanOrEqualTo(2);
            assertThat(most.getOrDefault(UUID.nameUUIDFromBytes(p.toString().getBytes()), 0)).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void aTransientFailureIsRetriedAfterTheBackoffAndResumesAtTheFailedStage() {
        UUID pipeline = manual(organization(), "active");
        UUID execution = pending(pipeline, "manual", DAY, "{\"retry\": {\"maxAttempts\": 3, \"backoffSeconds\": 2}}");
        AtomicInteger silverRuns = new AtomicInteger();
        List<String> resumedAfterBackoff = Collections.synchronizedList(new ArrayList<>());
        String[] notBefore = new String[1];
        Script script = new Script();
        script.silver = c -> {
            if (silverRuns.incrementAndGet() == 1) {
                throw new IOException("the source did not answer");
            }
            resumedAfterBackoff.add(TestDatabase.text("SELECT (now() >= CAST(? AS timestamptz))::text", notBefore[0]));
            return new StageResult(95, 0, 5, null, Map.of());
        };

        run(script, pipeline);

        assertThat(col(execution, "status || '/' || attempt || '/' || retry_count")).isEqualTo("pending/2/1");
        assertThat(col(execution, "bronze_status || '/' || silver_status")).isEqualTo("completed/failed");
        assertThat(col(execution, "error_message")).isEqualTo("the source did not answer");
        assertThat(col(execution, "error_details ->> 'kind'")).isEqualTo("transient");
        assertThat(col(execution, "not_before - heartbeat_at >= interval '2 seconds'")).as("the backoff").isEqualTo("true");
        assertThat(col(execution, "lease_owner IS NULL")).isEqualTo("true");
        notBefore[0] = col(execution, "not_before");

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> !run(script, pipeline).isEmpty());

        assertThat(resumedAfterBackoff).as("claimed again only once not_before had passed").containsExactly("true");
        assertThat(col(execution, "status || '/' || silver_status || '/' || gold_status")).isEqualTo("completed/completed/completed");
        assertThat(script.of(execution)).as("bronze, completed before the failure, is not run again")
                .containsExactly("bronze", "silver", "silver", "gold");
        assertThat(col(execution, "error_message IS NULL")).isEqualTo("true");
    }

    @Test
    void aTransientFailureAfterACancellationWasAskedForEndsCancelledInsteadOfWaitingOutTheBackoff() {
        UUID pipeline = manual(organization(), "active");
        UUID execution = pending(pipeline, "manual", DAY, "{\"retry\": {\"maxAttempts\": 3, \"backoffSeconds\": 3600}}");
        Script script = new Script();
        script.bronze = c -> {
            TestDatabase.execute("UPDATE pipeline.etl_executions SET cancel_requested_at = now() WHERE id = ?", c.executionId());
            throw new IOException("the source did not answer");
        };
        EmittedEvents.Mark mark = EmittedEvents.mark();

        run(script, pipeline);

        assertThat(col(execution, "status || '/' || attempt || '/' || (not_before IS NULL)")).isEqualTo("cancelled/1/true");
        assertThat(script.cleaned).containsExactly(execution);
        EmittedEvents.since(mark).single(ExecutionCancelled.TYPE, execution);
    }

    @Test
    void aTransientFailureOnTheLastAttemptFails() {
        UUID pipeline = manual(organization(), "active");
        UUID execution = pending(pipeline, "manual", DAY, "{\"retry\": {\"maxAttempts\": 1, \"backoffSeconds\": 1}}");
        Script script = new Script();
        script.gold = c -> {
            throw new IOException("the database went away");
        };
        EmittedEvents.Mark mark = EmittedEvents.mark();

        run(script, pipeline);

        assertThat(col(execution, "status || '/' || gold_status || '/' || attempt")).isEqualTo("failed/failed/1");
        EmittedEvent event = EmittedEvents.since(mark).single(ExecutionFailed.TYPE, execution);
        assertThat(event.field("reason")).isEqualTo(ExecutionFailed.ATTEMPTS_EXHAUSTED);
        assertThat(event.field("stage")).isEqualTo("gold");
    }

    @Test
    void aPermanentFailureFailsAtOnceWithTheErrorCountersAndEvent() {
        UUID pipeline = manual(organization(), "active");
        UUID execution = pending(pipeline, "manual", DAY, "{\"retry\": {\"maxAttempts\": 3, \"backoffSeconds\": 1}}");
        Script script = new Script();
        script.bronze = c -> {
            throw new IllegalArgumentException("row 12: impressions is not a number");
        };
        EmittedEvents.Mark mark = EmittedEvents.mark();

        run(script, pipeline);

        assertThat(col(execution, "status || '/' || bronze_status || '/' || attempt || '/' || retry_count")).isEqualTo("failed/failed/1/0");
        assertThat(col(execution, "error_message")).isEqualTo("row 12: impressions is not a number");
        assertThat(col(execution, "error_details ->> 'kind'")).isEqualTo("permanent");
        assertThat(col(execution, "silver_status IS NULL AND completed_at IS NOT NULL")).isEqualTo("true");
        assertThat(column(pipeline, "failed_executions || '/' || last_run_status")).isEqualTo("1/failed");
        assertThat(script.of(execution)).containsExactly("bronze");
        EmittedEvent event = EmittedEvents.since(mark).single(ExecutionFailed.TYPE, execution);
        assertThat(event.field("reason")).isEqualTo(ExecutionFailed.PERMANENT);
        assertThat(event.field("error")).isEqualTo("row 12: impressions is not a number");
    }

    @Test
    void aBlockingDataQualityCheckFailsTheExecutionNamingTheCheckBeforeGold() {
        UUID pipeline = manual(organization(), "active");
        UUID execution = pending(pipeline, "manual", DAY, "{}");
        Script script = new Script();
        script.silver = c -> new StageResult(95, 0, 5, "row_count_min", Map.of("expected", 100));
        EmittedEvents.Mark mark = EmittedEvents.mark();

        run(script, pipeline);

        assertThat(col(execution, "status || '/' || silver_status || '/' || coalesce(gold_status, '-')")).isEqualTo("failed/blocked/-");
        assertThat(col(execution, "error_message")).contains("row_count_min");
        assertThat(col(execution, "error_details ->> 'check'")).isEqualTo("row_count_min");
        assertThat(script.of(execution)).containsExactly("bronze", "silver");
        EmittedEvent event = EmittedEvents.since(mark).single(ExecutionFailed.TYPE, execution);
        assertThat(event.field("blockingCheck")).isEqualTo("row_count_min");
        assertThat(event.field("reason")).isEqualTo(ExecutionFailed.BLOCKED);
    }

    @Test
    void aCancelledExecutionStopsAtItsNextCheckpointAndIsCleanedUp() throws Exception {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        UUID execution = pending(pipeline, "manual", DAY, "{}");
        Script script = new Script();
        CountDownLatch started = new CountDownLatch(1);
        List<Long> heldWhileRunning = Collections.synchronizedList(new ArrayList<>());
        script.bronze = c -> {
            heldWhileRunning.add(held(c));
            started.countDown();
            for (int i = 0; i < 400; i++) {
                c.progress().rowsDone("bronze", i);
                c.checkpoint();
                Thread.sleep(50);
            }
            return StageResult.of(400);
        };
        EmittedEvents.Mark mark = EmittedEvents.mark();

        runAndCancel(script, orgId, pipeline, execution, started);

        assertThat(heldWhileRunning).as("the stage could commit under its lease").containsExactly(1L);
        assertThat(col(execution, "status || '/' || bronze_status")).isEqualTo("cancelled/cancelled");
        assertThat(col(execution, "bronze_records IS NULL")).as("the stopped stage committed nothing").isEqualTo("true");
        assertThat(script.of(execution)).containsExactly("bronze");
        assertThat(script.cleaned).containsExactly(execution);
        assertThat(column(pipeline, "last_run_status")).isEqualTo("cancelled");
        EmittedEvent event = EmittedEvents.since(mark).single(ExecutionCancelled.TYPE, execution);
        assertThat(event.field("stage")).isEqualTo("bronze");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"another-instance", "this instance, claimed again"})
    void aWorkerThatLostItsLeaseStopsAndWritesNothingMore(String newOwner) {
        UUID pipeline = manual(organization(), "active");
        List<Long> heldAfterLoss = Collections.synchronizedList(new ArrayList<>());
        List<String> claimedAs = Collections.synchronizedList(new ArrayList<>());
        UUID execution = pending(pipeline, "manual", DAY, "{}");
        // the same instance claiming the execution again (the reaper gave it back after this run's heartbeat stalled)
        // draws a new token: the run of the earlier claim holds nothing any more
        String owner = newOwner.startsWith("this") ? executor.owner() + "/" + UUID.randomUUID() : newOwner;
        Script script = new Script();
        script.bronze = c -> {
            claimedAs.add(c.leaseOwner());
            TestDatabase.execute("UPDATE pipeline.etl_executions SET lease_owner = ? WHERE id = ?", owner, c.executionId());
            heldAfterLoss.add(held(c));
            for (int i = 0; i < 400; i++) {
                c.progress().rowsDone("bronze", i);
                c.checkpoint();
                Thread.sleep(50);
            }
            return StageResult.of(400);
        };

        run(script, pipeline);

        assertThat(claimedAs).singleElement().asString().startsWith(executor.owner() + "/").isNotEqualTo(owner);
        assertThat(col(execution, "status || '/' || lease_owner || '/' || bronze_status")).isEqualTo("running/" + owner + "/running");
        assertThat(col(execution, "bronze_records IS NULL AND completed_at IS NULL")).isEqualTo("true");
        assertThat(script.of(execution)).containsExactly("bronze");
        assertThat(script.cleaned).isEmpty();
        assertThat(heldAfterLoss).as("a stage can no longer commit under a lost lease").containsExactly(0L);
    }

    @Test
    void theReaperResumesAnExecutionWhoseLeaseExpiredAtItsFirstStageNotCompleted() {
        UUID pipeline = manual(organization(), "active");
        UUID execution = pending(pipeline, "manual", DAY, "{\"retry\": {\"maxAttempts\": 3, \"backoffSeconds\": 1}}");
        TestDatabase.execute("""
                UPDATE pipeline.etl_executions SET status = 'running', lease_owner = 'killed-instance',
                       lease_until = now() - interval '1 second', bronze_status = 'completed', bronze_records = 7,
                       silver_status = 'running', started_at = now() - interval '1 minute'
                WHERE id = ?""", execution);
        Script script = new Script();

        assertThat(executor.reap(script, List.of(pipeline))).isEqualTo(1);

        assertThat(col(execution, "status || '/' || attempt || '/' || retry_count || '/' || (lease_owner IS NULL)"))
                .isEqualTo("pending/2/1/true");
        assertThat(executor.reap(script, List.of(pipeline))).as("nothing left to reap").isZero();

        assertThat(run(script, pipeline)).containsExactly(execution);
        assertThat(script.of(execution)).containsExactly("silver", "gold");
        assertThat(col(execution, "status || '/' || bronze_records")).isEqualTo("completed/7");
    }

    @Test
    void theReaperFailsAnExpiredExecutionWithoutAnAttemptLeft() {
        UUID pipeline = manual(organization(), "active");
        UUID execution = pending(pipeline, "manual", DAY, "{\"retry\": {\"maxAttempts\": 2, \"backoffSeconds\": 1}}");
        TestDatabase.execute("""
                UPDATE pipeline.etl_executions SET status = 'running', lease_owner = 'killed-instance', attempt = 2,
                       lease_until = now() - interval '1 second' WHERE id = ?""", execution);
        UUID live = pending(manual(organization(), "active"), "manual", DAY, "{}");
        TestDatabase.execute("UPDATE pipeline.etl_executions SET status = 'running', lease_owner = 'alive', "
                + "lease_until = now() + interval '1 minute' WHERE id = ?", live);
        EmittedEvents.Mark mark = EmittedEvents.mark();

        executor.reap(null, null);

        assertThat(col(execution, "status || '/' || (lease_owner IS NULL)")).isEqualTo("failed/true");
        assertThat(col(live, "status || '/' || lease_owner")).as("a held lease is left alone").isEqualTo("running/alive");
        assertThat(EmittedEvents.since(mark).single(ExecutionFailed.TYPE, execution).field("reason"))
                .isEqualTo(ExecutionFailed.ATTEMPTS_EXHAUSTED);
    }

    @Test
    void theReaperCompletesAnExpiredExecutionWhoseStagesAllCompletedEvenWithoutAnAttemptLeft() {
        UUID pipeline = manual(organization(), "active");
        UUID execution = pending(pipeline, "manual", DAY, "{\"retry\": {\"maxAttempts\": 1, \"backoffSeconds\": 1}}");
        // gold committed and published, then the executor stopped before it could end the execution
        TestDatabase.execute("""
                UPDATE pipeline.etl_executions SET status = 'running', lease_owner = 'killed-instance',
                       lease_until = now() - interval '1 second', bronze_status = 'completed', bronze_records = 7,
                       silver_status = 'completed', gold_status = 'completed', started_at = now() - interval '1 minute'
                WHERE id = ?""", execution);
        Script script = new Script();
        EmittedEvents.Mark mark = EmittedEvents.mark();

        assertThat(executor.reap(script, List.of(pipeline))).isEqualTo(1);

        assertThat(col(execution, "status || '/' || attempt || '/' || total_records_processed || '/' || (lease_owner IS NULL)"))
                .isEqualTo("completed/1/7/true");
        assertThat(EmittedEvents.since(mark).single(ExecutionCompleted.TYPE, execution).field("recordsProcessed")).isEqualTo("7");
        assertThat(script.cleaned).containsExactly(execution);
        assertThat(column(pipeline, "last_run_status")).isEqualTo("completed");
        assertThat(script.of(execution)).as("nothing is run again").isEmpty();
    }

    @Test
    void aFailedExecutionRetriedByAUserResumesAtItsFailedStage() {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        UUID execution = pending(pipeline, "manual", DAY, "{}");
        Script script = new Script();
        script.silver = c -> {
            throw new IllegalArgumentException("a column is missing");
        };
        run(script, pipeline);
        assertThat(col(execution, "status")).isEqualTo("failed");
        String path = "/api/v1/organizations/" + orgId + "/pipelines/" + pipeline + "/executions/" + execution;
        UUID another = pending(pipeline, "manual", DAY, "{}");
        given().auth().oauth2(token(orgId, "developer")).post(path + "/retry").then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.endsWith("execution-in-progress"));
        assertThat(col(execution, "status")).isEqualTo("failed");
        TestDatabase.execute("UPDATE pipeline.etl_executions SET status = 'cancelled', completed_at = now() WHERE id = ?", another);

        given().auth().oauth2(token(orgId, "developer")).post(path + "/retry").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("pending"))
                .body("attempt", org.hamcrest.Matchers.equalTo(1))
                .body("retryCount", org.hamcrest.Matchers.equalTo(1));
        assertThat(column(pipeline, "failed_executions")).isEqualTo("0");
        script.silver = c -> new StageResult(95, 0, 5, null, Map.of());
        run(script, pipeline);

        assertThat(col(execution, "status")).isEqualTo("completed");
        assertThat(script.of(execution)).containsExactly("bronze", "silver", "silver", "gold");
        given().auth().oauth2(token(orgId, "developer")).post(path + "/retry").then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.endsWith("execution-not-failed"));
    }

    @Test
    void theEventStreamDeliversProgressAndEndsWithTheEndedExecution() throws Exception {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        UUID execution = pending(pipeline, "manual", DAY, "{}");
        CountDownLatch release = new CountDownLatch(1);
        Script script = new Script();
        script.bronze = c -> {
            c.progress().rowsDone("bronze", 42);
            c.checkpoint();
            // without the stream's progress the stage ends anyway, and the assertions below fail
            release.await(60, TimeUnit.SECONDS);
            return StageResult.of(42);
        };
        String path = "/api/v1/organizations/" + orgId + "/pipelines/" + pipeline + "/executions/" + execution;
        CompletableFuture<List<UUID>> running = CompletableFuture.supplyAsync(() -> run(script, pipeline));
        await().atMost(Duration.ofSeconds(30)).until(() -> "42".equals(col(execution, "progress_rows")));
        given().auth().oauth2(token(orgId, "viewer")).get(path).then().statusCode(200)
                .body("progress.stage", org.hamcrest.Matchers.equalTo("bronze"))
                .body("progress.rows", org.hamcrest.Matchers.equalTo(42));

        // the stage goes on once the stream has delivered its progress: nothing here depends on timing
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path.substring(1) + "/events"))
                .header("Authorization", "Bearer " + token(orgId, "viewer")).header("Accept", "text/event-stream").build();
        HttpResponse<java.util.stream.Stream<String>> response = HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        response.body().forEach(line -> {
            lines.add(line);
            if (line.contains("\"rows\":42")) {
                release.countDown();
            }
        });
        running.get(60, TimeUnit.SECONDS);
        String events = String.join("\n", lines);

        assertThat(events).contains("\"rows\":42").contains("\"status\":\"running\"");
        assertThat(events.lines().filter(l -> l.startsWith("data:")).reduce((a, b) -> b).orElseThrow())
                .as("the last event is the ended execution").contains("\"status\":\"completed\"");
    }

    @Test
    void aCancellationInterruptsAStageWaitingOnItsSourceInsteadOfWaitingForItsEnd() throws Exception {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        UUID execution = pending(pipeline, "manual", DAY, "{}");
        Script script = new Script();
        CountDownLatch waiting = new CountDownLatch(1);
        List<Boolean> interruptedAfter = Collections.synchronizedList(new ArrayList<>());
        script.bronze = c -> {
            try {
                return c.interruptibly(() -> {
                    waiting.countDown();
                    // a DSP report that would run for ten minutes
                    Thread.sleep(Duration.ofMinutes(10));
                    return StageResult.of(1);
                });
            } finally {
                interruptedAfter.add(Thread.currentThread().isInterrupted());
            }
        };
        EmittedEvents.Mark mark = EmittedEvents.mark();

        Duration cancelledIn = runAndCancel(script, orgId, pipeline, execution, waiting);

        assertThat(cancelledIn).as("stopped within a heartbeat or two (2 s here)").isLessThan(Duration.ofSeconds(30));
        assertThat(col(execution, "status || '/' || bronze_status")).isEqualTo("cancelled/cancelled");
        assertThat(interruptedAfter).as("the interrupt ends with the wait: the stage's next database call is not hit")
                .containsExactly(false);
        assertThat(script.cleaned).containsExactly(execution);
        EmittedEvents.since(mark).single(ExecutionCancelled.TYPE, execution);
    }

    @Test
    void aSourceThatAsksForALongerWaitIsTriedAgainNoSoonerAndNeverLaterThanAnHour() {
        UUID pipeline = manual(organization(), "active");
        UUID execution = pending(pipeline, "manual", DAY, "{\"retry\": {\"maxAttempts\": 3, \"backoffSeconds\": 2}}");
        UUID otherPipeline = manual(organization(), "active");
        UUID another = pending(otherPipeline, "manual", DAY, "{\"retry\": {\"maxAttempts\": 3, \"backoffSeconds\": 2}}");
        Script script = new Script();
        script.bronze = c -> {
            Duration asked = c.executionId().equals(execution) ? Duration.ofMinutes(10) : Duration.ofDays(1);
            throw new io.clp.pipeline.source.TransientSourceException("the DSP is throttling", null, asked);
        };

        run(script, pipeline);
        run(script, otherPipeline);

        assertThat(col(execution, "status || '/' || attempt")).isEqualTo("pending/2");
        assertThat(col(execution, "not_before - heartbeat_at BETWEEN interval '9 minutes' AND interval '11 minutes'"))
                .as("the DSP's Retry-After, longer than the pipeline's 2 s").isEqualTo("true");
        assertThat(col(another, "not_before - heartbeat_at BETWEEN interval '59 minutes' AND interval '61 minutes'"))
                .as("a day is cut to an hour").isEqualTo("true");
    }

    @Test
    void aUserHoldsAtMostTheirShareOfEventStreamsAndGetsASlotBackWhenAStreamIsClosed() throws Exception {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        // pending, and never run here: its streams stay open until their clients close them
        UUID execution = pending(pipeline, "manual", DAY, "{}");
        String events = "/api/v1/organizations/" + orgId + "/pipelines/" + pipeline + "/executions/" + execution + "/events";
        String viewer = token(orgId, "viewer");
        HttpClient http = HttpClient.newHttpClient();
        List<java.io.InputStream> open = new ArrayList<>();
        int before = streams.openStreams(null);
        try {
            // %test allows 2 per user
            for (int i = 0; i < 2; i++) {
                HttpResponse<java.io.InputStream> stream = stream(http, events, viewer);
                assertThat(stream.statusCode()).isEqualTo(200);
                open.add(stream.body());
            }
            assertThat(streams.openStreams(null)).isEqualTo(before + 2);

            given().auth().oauth2(viewer).accept("text/event-stream").get(events).then().statusCode(429)
                    .contentType("application/problem+json").header("Retry-After", "30")
                    .body("type", org.hamcrest.Matchers.endsWith("too-many-streams"))
                    .body("detail", org.hamcrest.Matchers.containsString("at most 2"));
            // another user's share is their own
            HttpResponse<java.io.InputStream> developers = stream(http, events, token(orgId, "developer"));
            assertThat(developers.statusCode()).isEqualTo(200);
            open.add(developers.body());

            // a client that goes away gives its slot back
            open.removeFirst().close();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                HttpResponse<java.io.InputStream> again = stream(http, events, viewer);
                if (again.statusCode() == 200) {
                    open.add(again.body());
                    return true;
                }
                again.body().close();
                return false;
            });
        } finally {
            for (java.io.InputStream stream : open) {
                stream.close();
            }
            TestDatabase.execute("UPDATE pipeline.etl_executions SET status = 'cancelled', completed_at = now() WHERE id = ?",
                    execution);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> streams.openStreams(null) == before);
    }

    /**
     * Runs the script, asks for the execution's cancellation once {@code started} opens (its stage is running) and
     * waits for the run to end; returns how long it took from the cancellation.
     */
    private Duration runAndCancel(Script script, UUID orgId, UUID pipeline, UUID execution, CountDownLatch started)
            throws Exception {
        CompletableFuture<List<UUID>> running = CompletableFuture.supplyAsync(() -> run(script, pipeline));
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        long cancelledAt = System.nanoTime();
        given().auth().oauth2(token(orgId, "developer"))
                .post("/api/v1/organizations/" + orgId + "/pipelines/" + pipeline + "/executions/" + execution + "/cancel")
                .then().statusCode(200).body("status", org.hamcrest.Matchers.equalTo("running"));
        running.get(60, TimeUnit.SECONDS);
        return Duration.ofNanos(System.nanoTime() - cancelledAt);
    }

    private HttpResponse<java.io.InputStream> stream(HttpClient http, String path, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path.substring(1)))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build();
        // returns once the response's head has arrived: the stream itself stays open
        return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    }
}
