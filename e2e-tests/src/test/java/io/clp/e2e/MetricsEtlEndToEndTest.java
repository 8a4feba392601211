package io.clp.e2e;

import io.clp.launcher.S3Component;
import io.clp.launcher.ServiceComponent;
import io.clp.launcher.Stack;
import io.clp.launcher.StackContext;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The metrics ETL end to end, on the whole local stack: a scheduled pipeline of a simulated DV360 account and a
 * pipeline of daily files in the S3-compatible bucket each run bronze, silver and gold in pipeline-service, and
 * campaign-service returns the metrics they produced; a pipeline whose process is killed mid-run resumes, and gold
 * never counts twice.
 */
@Order(1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsEtlEndToEndTest {

    private static final Duration BOUND = Duration.ofSeconds(180);
    private static final String DV360_TEMPLATE = "7c1e0a55-0d01-4b7e-9a51-000000000001";
    private static final String FILE_TEMPLATE = "7c1e0a55-0d01-4b7e-9a51-000000000006";
    private static final Map<String, String> GOOGLE = Map.of("client_id", "clp-sim-client",
            "client_secret", "clp-sim-secret", "refresh_token", "clp-sim-refresh-token");
    private static final String HEADER = "date,campaign_name,strategy_name,placement_name,creative_name,impressions,clicks,ctr,conversions,conversion_revenue";

    private static Stack stack;
    private static StackContext ctx;
    private static StackClient client;
    private static S3Client s3;
    private static String orgId;
    private static String accountId;

    /** One creative of the synced account, by its names down the breakdown, with its campaign's id. */
    private record Path(String campaignId, String campaign, String insertionOrder, String lineItem, String creative) {
    }

    @BeforeAll
    static void startStack() {
        stack = LocalStack.get();
        ctx = stack.context();
        client = new StackClient(ctx);
        orgId = client.newOrganization("etl", "campaign", "pipeline");
        client.awaitAdminToken(orgId);
        s3 = S3Client.builder()
                .endpointOverride(URI.create("http://" + ctx.probeHost() + ":" + ctx.ports().s3()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Component.ACCESS_KEY_ID,
                        ctx.secrets().get("s3.secret-access-key"))))
                .httpClient(UrlConnectionHttpClient.create())
                // once, a PUT of a daily file failed three attempts in a row in 0.4 s writing its body ("Error writing
                // request body to server") while s3proxy logged nothing; more attempts, further apart, ride that out
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(8).build()))
                .build();

        Response connected = given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("dspType", "dv360", "externalAccountId", "1000001", "credentials", GOOGLE))
                .post(campaignApi("/dsp-accounts"));
        connected.then().statusCode(201);
        accountId = connected.path("id");
        String runId = given().auth().oauth2(admin()).post(campaignApi("/dsp-accounts/" + accountId + "/sync"))
                .then().statusCode(202).extract().path("id");
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> {
            String status = given().auth().oauth2(admin()).get(campaignApi("/dsp-accounts/" + accountId + "/sync-runs/" + runId))
                    .then().statusCode(200).extract().path("status");
            assertThat(status).isNotEqualTo("failed");
            return "succeeded".equals(status);
        });
        // pipeline-service learns of the account from campaign-service's events
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> "1".equals(client.queryText(
                "SELECT count(*) FROM pipeline.dsp_account_refs WHERE id = CAST(? AS uuid) AND is_active", accountId)));
    }

    @AfterAll
    static void closeS3() {
        if (s3 != null) {
            s3.close();
        }
    }

    /** A fresh token of the organization's admin (a long test outlives one). */
    private static String admin() {
        return client.demoToken();
    }

    private static String campaignApi(String path) {
        return client.service("campaign", "/organizations/" + orgId + path);
    }

    private static String pipelineApi(String path) {
        return client.service("pipeline", "/organizations/" + orgId + path);
    }

    private static String createPipeline(Map<String, Object> body) {
        return given().auth().oauth2(admin()).contentType(ContentType.JSON).body(body).post(pipelineApi("/pipelines"))
                .then().statusCode(201).extract().path("id");
    }

    /** Waits for the pipeline's latest execution to end and returns it; fails if it did not complete. */
    private static Map<String, Object> awaitCompleted(String pipelineId, Duration within) {
        List<Map<String, Object>> seen = new ArrayList<>();
        await().atMost(within).pollInterval(Duration.ofSeconds(1)).until(() -> {
            List<Map<String, Object>> items = given().auth().oauth2(admin()).get(pipelineApi("/pipelines/" + pipelineId + "/executions"))
                    .then().statusCode(200).extract().jsonPath().getList("items");
            if (items.isEmpty()) {
                return false;
            }
            Map<String, Object> latest = items.getFirst();
            assertThat(latest.get("status")).as("execution %s", latest).isNotIn("failed", "cancelled");
            seen.clear();
            seen.add(latest);
            return "completed".equals(latest.get("status"));
        });
        return seen.getFirst();
    }

    /** The campaign's metrics from campaign-service, summed over the range: impressions, once they equal {@code expected}. */
    private static void awaitCampaignImpressions(String campaignId, LocalDate from, LocalDate to, long expected) {
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Response r = given().auth().oauth2(admin()).queryParam("from", from.toString()).queryParam("to", to.toString())
                    .get(campaignApi("/campaigns/" + campaignId + "/metrics"));
            r.then().statusCode(200);
            List<Map<String, Object>> totals = r.jsonPath().getList("totals");
            long impressions = totals.stream().mapToLong(t -> ((Number) t.get("impressions")).longValue()).sum();
            assertThat(impressions).as("campaign %s %s..%s: %s", campaignId, from, to, r.asString()).isEqualTo(expected);
        });
    }

    private static long goldImpressions(String pipelineId, String campaignId) {
        return Long.parseLong(client.queryText("SELECT coalesce(sum(impressions), 0) FROM pipeline.gold_daily_metrics"
                + " WHERE pipeline_id = CAST(? AS uuid) AND level = 'campaign' AND entity_id = CAST(? AS uuid)", pipelineId, campaignId));
    }

    /** Creatives of the synced account with their names down the breakdown, in a stable order. */
    private static List<Path> creatives(int limit) {
        List<Path> paths = new ArrayList<>();
        for (String line : client.queryText("""
                SELECT string_agg(concat_ws(chr(31), c.id, c.name, i.name, l.name, cr.name), chr(30) ORDER BY cr.external_id)
                FROM (SELECT * FROM campaign.creatives WHERE dsp_account_id = CAST(? AS uuid) AND removed_at IS NULL
                      ORDER BY external_id LIMIT %d) cr
                JOIN campaign.line_items l ON l.id = cr.line_item_id
                JOIN campaign.insertion_orders i ON i.id = l.insertion_order_id
                JOIN campaign.campaigns c ON c.id = i.campaign_id
                """.formatted(limit), accountId).split("\u001e")) {
            // names may hold any printable character (DSP naming taxonomies use | and _): the separators are ASCII's
            String[] f = line.split("\u001f", -1);
            paths.add(new Path(f[0], f[1], f[2], f[3], f[4]));
        }
        return paths;
    }

    private static String csvField(String value) {
        return value.contains(",") || value.contains("\"") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }

    /** Puts one daily file per day of the range; returns each campaign's impressions over the range. */
    private static Map<String, Long> putDailyFiles(String prefix, LocalDate from, LocalDate to, List<Path> paths, int seed,
                                                   boolean withOneBadRow) {
        Map<String, Long> byCampaign = new LinkedHashMap<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            StringBuilder file = new StringBuilder(HEADER).append('\n');
            int i = 0;
            for (Path p : paths) {
                long impressions = 1_000L + (day.getDayOfYear() * 37L + i * 11L + seed) % 5_000;
                long clicks = impressions / 100;
                file.append(day).append(',').append(csvField(p.campaign())).append(',').append(csvField(p.insertionOrder()))
                        .append(',').append(csvField(p.lineItem())).append(',').append(csvField(p.creative())).append(',')
                        .append(impressions).append(',').append(clicks).append(',')
                        .append(String.format(java.util.Locale.ROOT, "%.6f", (double) clicks / impressions)).append(',')
                        .append(clicks / 10).append(",12.50\n");
                byCampaign.merge(p.campaignId(), impressions, Long::sum);
                i++;
            }
            if (withOneBadRow && day.equals(from)) {
                file.append(day).append(",Unknown campaign,s,p,c,10,1,0.1,0,0\n");
                file.append(day).append(",x,y,z,w,not-a-number,1,0.1,0,0\n");
            }
            String key = "orgs/" + orgId + "/" + prefix + "/media_" + day + ".csv";
            s3.putObject(b -> b.bucket(S3Component.BUCKET).key(key),
                    RequestBody.fromString(file.toString()));
        }
        return byCampaign;
    }

    @Test
    @Order(1)
    void aScheduledDv360PipelineProducesMetricsThatCampaignServiceReturns() {
        String pipelineId = createPipeline(Map.of("name", "DV360 daily " + UUID.randomUUID(), "templateId", DV360_TEMPLATE,
                "dspAccountId", accountId, "scheduleType", "cron", "scheduleCron", "0 6 * * *",
                "scheduleTimezone", "America/New_York", "status", "active", "params", Map.of("lookbackDays", 2)));
        // the pipeline's tick comes now rather than tomorrow at 06:00: the scheduler takes it on its next tick
        client.execute("UPDATE pipeline.pipelines SET next_run_at = now() - interval '1 second' WHERE id = CAST(? AS uuid)", pipelineId);

        Map<String, Object> execution = awaitCompleted(pipelineId, BOUND);
        assertThat(execution.get("executionType")).isEqualTo("scheduled");
        String campaignId = client.queryText("SELECT entity_id::text FROM pipeline.gold_daily_metrics WHERE pipeline_id = CAST(? AS uuid)"
                + " AND level = 'campaign' ORDER BY entity_id LIMIT 1", pipelineId);
        assertThat(campaignId).as("gold has campaign rows").isNotNull();
        LocalDate from = LocalDate.parse(client.queryText("SELECT min(metric_date)::text FROM pipeline.gold_daily_metrics WHERE pipeline_id = CAST(? AS uuid)", pipelineId));
        LocalDate to = LocalDate.parse(client.queryText("SELECT max(metric_date)::text FROM pipeline.gold_daily_metrics WHERE pipeline_id = CAST(? AS uuid)", pipelineId));
        long gold = goldImpressions(pipelineId, campaignId);
        assertThat(gold).isPositive();
        awaitCampaignImpressions(campaignId, from, to, gold);
    }

    @Test
    @Order(2)
    void aDailyFilePipelineOnTheBucketProducesMetricsAndReportsItsBadRows() {
        LocalDate from = LocalDate.now().minusDays(40);
        LocalDate to = from.plusDays(2);
        List<Path> paths = creatives(24);
        Map<String, Long> expected = putDailyFiles("daily", from, to, paths, 1, true);
        String pipelineId = createPipeline(Map.of("name", "Daily files " + UUID.randomUUID(), "templateId", FILE_TEMPLATE,
                "dspAccountId", accountId, "status", "active",
                "params", Map.of("source", Map.of("kind", "s3", "prefix", "daily"), "unknownEntities", "reject")));
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(Map.of("from", from.toString(), "to", to.toString()))
                .post(pipelineApi("/pipelines/" + pipelineId + "/runs")).then().statusCode(202);

        Map<String, Object> execution = awaitCompleted(pipelineId, BOUND);
        String executionId = (String) execution.get("id");
        long rows = 3L * paths.size() + 2;
        assertThat(client.queryText("SELECT total_records_processed || '/' || total_records_failed FROM pipeline.etl_executions"
                + " WHERE id = CAST(? AS uuid)", executionId)).isEqualTo(rows + "/2");
        assertThat(client.queryText("SELECT count(*) FROM pipeline.ingestion_rejects WHERE execution_id = CAST(? AS uuid)", executionId))
                .isEqualTo("2");
        for (Map.Entry<String, Long> campaign : expected.entrySet()) {
            assertThat(goldImpressions(pipelineId, campaign.getKey())).isEqualTo(campaign.getValue());
            awaitCampaignImpressions(campaign.getKey(), from, to, campaign.getValue());
        }
    }

    @Test
    @Order(3)
    void aPipelineWhoseProcessIsKilledMidRunResumesAndGoldNeverCountsTwice() {
        LocalDate from = LocalDate.now().minusDays(300);
        LocalDate to = from.plusDays(149);
        List<Path> paths = creatives(480);
        Map<String, Long> expected = putDailyFiles("year", from, to, paths, 7, false);
        String pipelineId = createPipeline(Map.of("name", "Long files " + UUID.randomUUID(), "templateId", FILE_TEMPLATE,
                "dspAccountId", accountId, "status", "active", "retry", Map.of("maxAttempts", 3, "backoffSeconds", 1),
                "params", Map.of("source", Map.of("kind", "s3", "prefix", "year"), "unknownEntities", "reject")));
        String executionId = given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("from", from.toString(), "to", to.toString()))
                .post(pipelineApi("/pipelines/" + pipelineId + "/runs")).then().statusCode(202).extract().path("id");
        await().atMost(BOUND).pollInterval(Duration.ofMillis(50)).until(() -> "running".equals(client.queryText(
                "SELECT status FROM pipeline.etl_executions WHERE id = CAST(? AS uuid)", executionId)));

        ServiceComponent pipeline = stack.service("pipeline");
        ProcessHandle process = pipeline.process().orElseThrow();
        process.destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
        assertThat(client.queryText("SELECT status FROM pipeline.etl_executions WHERE id = CAST(? AS uuid)", executionId))
                .as("the execution was cut off mid-run").isEqualTo("running");

        pipeline.start();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(pipeline::healthy);
        // the reaper hands the execution back once the dead process's lease has run out; it resumes and completes
        Map<String, Object> execution = awaitCompleted(pipelineId, Duration.ofMinutes(6));
        assertThat(execution.get("id")).isEqualTo(executionId);

        long rows = 150L * paths.size();
        assertThat(client.queryText("SELECT total_records_processed FROM pipeline.etl_executions WHERE id = CAST(? AS uuid)",
                executionId)).isEqualTo(Long.toString(rows));
        for (Map.Entry<String, Long> campaign : expected.entrySet()) {
            assertThat(goldImpressions(pipelineId, campaign.getKey())).as("gold of campaign %s", campaign.getKey())
                    .isEqualTo(campaign.getValue());
            awaitCampaignImpressions(campaign.getKey(), from, to, campaign.getValue());
        }
    }
}
