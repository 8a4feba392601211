package io.clp.campaign.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clp.campaign.HierarchyFixtures;
import io.clp.campaign.HierarchyFixtures.Chain;
import io.clp.campaign.SimulatedDsps;
import io.clp.events.CloudEventHeaders;
import io.clp.events.campaign.MetricsRecorded;
import io.clp.events.pipeline.MetricsBatch;
import io.clp.testing.EmittedEvent;
import io.clp.testing.EmittedEvents;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestEvents;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static io.clp.campaign.metrics.MetricsBatches.awaitRecorded;
import static io.clp.campaign.metrics.MetricsBatches.batch;
import static io.clp.campaign.metrics.MetricsBatches.row;
import static io.clp.campaign.metrics.MetricsBatches.rowsOfBatch;
import static io.clp.campaign.metrics.MetricsBatches.rowsOfOrganization;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Metrics batches published to Kafka as pipeline-service publishes them, recorded by the real consumer in the real
 * database, read back through the API and the outbox's WAL.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class MetricsBatchConsumerTest {

    private static String metricsPath(UUID orgId, UUID campaignId) {
        return "/api/v1/organizations/" + orgId + "/campaigns/" + campaignId + "/metrics";
    }

    private static JsonPath metrics(User user, Chain chain, Map<String, ?> params) {
        return given().auth().oauth2(TestTokens.token(user)).queryParams(params).when()
                .get(metricsPath(chain.orgId(), chain.campaignId()))
                .then().statusCode(200).extract().jsonPath();
    }

    private static EmittedEvent recorded(EmittedEvents.Mark mark, UUID batchId) {
        return EmittedEvents.since(mark).ofType(MetricsRecorded.TYPE).about(batchId).single();
    }

    @Test
    void aBatchLandsWithItsKpisAndTheApiReturnsItsDaysAndTotalsRecomputedFromTheTotals() throws Exception {
        Chain chain = HierarchyFixtures.chain(UUID.randomUUID());
        MetricsBatch batch = batch(chain.orgId(), List.of(
                row("campaign", chain.campaignId(), "2026-03-01", 1000, 10, 2, 50, "12.345678", "30.000000"),
                row("campaign", chain.campaignId(), "2026-03-02", 3, 3, 0, 0, "0", "5"),
                row("line_item", chain.lineItemId(), "2026-03-01", 400, 0, 0, 0, "1.5", "0")));
        EmittedEvents.Mark mark = EmittedEvents.mark();

        MetricsBatches.publish(batch);
        await().atMost(Duration.ofSeconds(30)).until(() -> rowsOfBatch(batch.batchId()) == 3);

        User analyst = User.member(chain.orgId(), "analyst");
        JsonPath json = metrics(analyst, chain, Map.of("from", "2026-03-01", "to", "2026-03-31"));
        assertThat(json.getString("level")).isEqualTo("campaign");
        assertThat(json.getList("days.date")).containsExactly("2026-03-01", "2026-03-02");
        Map<String, Object> first = json.getMap("days[0]");
        assertThat(first).containsEntry("entityId", chain.campaignId().toString()).containsEntry("impressions", 1000)
                .containsEntry("clicks", 10).containsEntry("conversions", 2).containsEntry("views", 50)
                .containsEntry("spend", "12.345678").containsEntry("currency", "EUR").containsEntry("revenue", "30.000000")
                // 10/1000; 12.345678/10 = 1.2345678 half-up; 12345.678/1000; 12.345678/2 = 6.172839; 2/10; 30/12.345678
                .containsEntry("ctr", "0.010000").containsEntry("cpc", "1.234568").containsEntry("cpm", "12.345678")
                .containsEntry("cpa", "6.172839").containsEntry("cvr", "0.200000").containsEntry("roas", "2.430000")
                .containsEntry("dataQualityScore", "98.50").containsEntry("hasDataIssues", false);
        Map<String, Object> second = json.getMap("days[1]");
        // no spend, no conversions: the KPIs over them are undefined, not zero
        assertThat(second).containsEntry("ctr", "1.000000").containsEntry("cpc", "0.000000").containsEntry("cpa", null)
                .containsEntry("cvr", "0.000000").containsEntry("roas", null).containsEntry("spend", "0.000000");
        // totals: 1003 impressions, 13 clicks, 2 conversions, spend 12.345678, revenue 35; KPIs of the sums, not averages
        assertThat(json.getList("totals")).hasSize(1);
        assertThat(json.getMap("totals[0]")).containsEntry("currency", "EUR").containsEntry("impressions", 1003)
                .containsEntry("clicks", 13).containsEntry("conversions", 2).containsEntry("views", 50)
                .containsEntry("spend", "12.345678").containsEntry("revenue", "35.000000")
                .containsEntry("ctr", "0.012961").containsEntry("cpc", "0.949668").containsEntry("cpm", "12.308752")
                .containsEntry("cpa", "6.172839").containsEntry("cvr", "0.153846").containsEntry("roas", "2.835000");

        JsonPath items = metrics(analyst, chain, Map.of("from", "2026-03-01", "to", "2026-03-01", "level", "line_item"));
        assertThat(items.getList("days.entityId")).containsExactly(chain.lineItemId().toString());
        assertThat(items.getMap("days[0]")).containsEntry("ctr", "0.000000").containsEntry("cpc", null)
                .containsEntry("cpm", "3.750000").containsEntry("level", "line_item");
        assertThat(TestDatabase.text("SELECT campaign_id::text FROM campaign.campaign_metrics WHERE entity_id = ?",
                chain.lineItemId())).isEqualTo(chain.campaignId().toString());

        EmittedEvent event = recorded(mark, batch.batchId());
        event.hasHeaders("campaign", "metrics-batches/" + batch.batchId(), chain.orgId(), "system:campaign");
        assertThat(event.aggregateType()).isEqualTo("campaign-metrics");
        JsonNode payload = event.payload();
        assertThat(payload.path("inserted").asInt()).isEqualTo(3);
        assertThat(payload.path("updated").asInt()).isZero();
        assertThat(payload.path("unchanged").asInt()).isZero();
        assertThat(payload.path("skipped").asInt()).isZero();
        assertThat(payload.path("executionId").asText()).isEqualTo(batch.executionId().toString());
        assertThat(payload.path("pipelineId").asText()).isEqualTo(batch.pipelineId().toString());
        assertThat(payload.path("dates").toString()).isEqualTo("[\"2026-03-01\",\"2026-03-02\"]");
        List<String> entities = new ArrayList<>();
        payload.path("entities").forEach(e -> entities.add(e.path("level").asText() + ":" + e.path("id").asText()));
        assertThat(entities).containsExactlyInAnyOrder("campaign:" + chain.campaignId(), "line_item:" + chain.lineItemId());
        // the event reads back into the contract's record
        MetricsRecorded read = MetricsBatches.JSON.treeToValue(event.payload(), MetricsRecorded.class);
        assertThat(read.batchId()).isEqualTo(batch.batchId());
        assertThat(read.skippedEntities()).isEmpty();
    }

    @Test
    void theSameBatchDeliveredAgainChangesNothingAndEmitsNothing() throws Exception {
        Chain chain = HierarchyFixtures.chain(UUID.randomUUID());
        MetricsBatch batch = batch(chain.orgId(), List.of(
                row("campaign", chain.campaignId(), "2026-04-01", 100, 1, 0, 0, "1", "0")));
        MetricsBatches.publish(batch);
        await().atMost(Duration.ofSeconds(30)).until(() -> rowsOfBatch(batch.batchId()) == 1);
        String before = TestDatabase.text("SELECT updated_at::text || '/' || xmin::text FROM campaign.campaign_metrics "
                + "WHERE entity_id = ?", chain.campaignId());
        EmittedEvents.Mark mark = EmittedEvents.mark();

        // delivered again with another event id (a producer's retry), then a sentinel on the same partition (same key)
        MetricsBatches.publishRaw(batch.batchId().toString(), MetricsBatches.json(batch), UUID.randomUUID().toString());
        MetricsBatch sentinel = batch(chain.orgId(), List.of(
                row("campaign", chain.campaignId(), "2026-04-02", 5, 0, 0, 0, "0", "0")));
        MetricsBatches.publishRaw(batch.batchId().toString(), MetricsBatches.json(sentinel), UUID.randomUUID().toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> rowsOfBatch(sentinel.batchId()) == 1);

        assertThat(TestDatabase.text("SELECT updated_at::text || '/' || xmin::text FROM campaign.campaign_metrics "
                + "WHERE entity_id = ? AND metric_date = '2026-04-01'", chain.campaignId())).isEqualTo(before);
        assertThat(EmittedEvents.since(mark).ofType(MetricsRecorded.TYPE).about(batch.batchId()).isEmpty()).isTrue();
        assertThat(EmittedEvents.since(mark).ofType(MetricsRecorded.TYPE).about(sentinel.batchId()).size()).isEqualTo(1);
        assertThat(rowsOfOrganization(chain.orgId())).isEqualTo(2);
    }

    @Test
    void aRestatedDayReplacesItsNumbersAndTheSameNumbersAgainChangeNothing() throws Exception {
        Chain chain = HierarchyFixtures.chain(UUID.randomUUID());
        MetricsBatch first = batch(chain.orgId(), List.of(
                row("creative", chain.creativeId(), "2026-05-10", 100, 10, 1, 0, "10", "20")));
        MetricsBatches.publish(first);
        await().atMost(Duration.ofSeconds(30)).until(() -> rowsOfBatch(first.batchId()) == 1);
        EmittedEvents.Mark mark = EmittedEvents.mark();

        MetricsBatch restated = batch(chain.orgId(), List.of(
                row("creative", chain.creativeId(), "2026-05-10", 150, 12, 3, 7, "9.5", "40")));
        MetricsBatches.publish(restated);
        await().atMost(Duration.ofSeconds(30)).until(() -> rowsOfBatch(restated.batchId()) == 1);

        assertThat(rowsOfOrganization(chain.orgId())).as("replaced, not added").isEqualTo(1);
        assertThat(TestDatabase.text("SELECT concat_ws(',', impressions, clicks, conversions, views, spend, revenue, ctr, cpa, "
                        + "execution_id) FROM campaign.campaign_metrics WHERE entity_id = ?", chain.creativeId()))
                .isEqualTo("150,12,3,7,9.500000,40.000000,0.080000,3.166667," + restated.executionId());
        JsonNode payload = recorded(mark, restated.batchId()).payload();
        assertThat(payload.path("updated").asInt()).isEqualTo(1);
        assertThat(payload.path("inserted").asInt()).isZero();

        // a later execution with the same numbers: its newer version is recorded, the numbers do not change, nothing
        // to announce
        EmittedEvents.Mark again = EmittedEvents.mark();
        String changedAt = TestDatabase.text("SELECT updated_at::text FROM campaign.campaign_metrics WHERE entity_id = ?",
                chain.creativeId());
        MetricsBatch same = batch(chain.orgId(), restated.rows());
        MetricsBatches.publishRaw(restated.batchId().toString(), MetricsBatches.json(same), UUID.randomUUID().toString());
        awaitRecorded(same.batchId());
        assertThat(TestDatabase.text("SELECT concat_ws(',', impressions, clicks, conversions, views, spend, revenue, batch_id) "
                + "FROM campaign.campaign_metrics WHERE entity_id = ?", chain.creativeId()))
                .isEqualTo("150,12,3,7,9.500000,40.000000," + same.batchId());
        assertThat(TestDatabase.text("SELECT updated_at::text FROM campaign.campaign_metrics WHERE entity_id = ?",
                chain.creativeId())).as("when the numbers last changed").isEqualTo(changedAt);
        assertThat(EmittedEvents.since(again).ofType(MetricsRecorded.TYPE).isEmpty()).isTrue();
    }

    @Test
    void anOlderBatchAppliedLateLeavesTheNewerRestatementAsItIs() throws Exception {
        Chain chain = HierarchyFixtures.chain(UUID.randomUUID());
        Instant t1 = Instant.parse("2026-05-11T06:00:00Z");
        // E2 read it later and restated the day; it is applied first, with a new row on the next day
        MetricsBatch newer = batch(chain.orgId(), List.of(
                row("line_item", chain.lineItemId(), "2026-05-10", 150, 12, 3, 7, "9.5", "40")), t1.plusSeconds(3600));
        MetricsBatches.publish(newer);
        await().atMost(Duration.ofSeconds(30)).until(() -> rowsOfBatch(newer.batchId()) == 1);
        EmittedEvents.Mark mark = EmittedEvents.mark();

        // E1 read its source first, an hour earlier, with other numbers; its batch lands late (a retry topic, a
        // dead-letter replay, another partition), with a day E2 did not cover
        MetricsBatch late = batch(chain.orgId(), List.of(
                row("line_item", chain.lineItemId(), "2026-05-10", 100, 10, 1, 0, "10", "20"),
                row("line_item", chain.lineItemId(), "2026-05-11", 5, 0, 0, 0, "0", "0")), t1);
        assertThat(late.batchId()).isNotEqualTo(newer.batchId());
        MetricsBatches.publish(late);
        awaitRecorded(late.batchId());

        assertThat(TestDatabase.text("SELECT concat_ws(',', impressions, clicks, conversions, views, spend, revenue, execution_id) "
                + "FROM campaign.campaign_metrics WHERE entity_id = ? AND metric_date = '2026-05-10'", chain.lineItemId()))
                .as("E2's numbers stay").isEqualTo("150,12,3,7,9.500000,40.000000," + newer.executionId());
        JsonNode payload = recorded(mark, late.batchId()).payload();
        assertThat(payload.path("stale").asInt()).isEqualTo(1);
        assertThat(payload.path("inserted").asInt()).isEqualTo(1);
        assertThat(payload.path("updated").asInt()).isZero();
        assertThat(payload.path("unchanged").asInt()).isZero();
        List<String> dates = new ArrayList<>();
        payload.path("dates").forEach(d -> dates.add(d.asText()));
        assertThat(dates).as("no changed-row event names the stale day").containsExactly("2026-05-11");
    }

    @Test
    void rowsOfAnotherOrganizationsOrUnknownEntitiesAreNotWrittenAndAreReported() throws Exception {
        Chain mine = HierarchyFixtures.chain(UUID.randomUUID());
        Chain theirs = HierarchyFixtures.chain(UUID.randomUUID());
        UUID unknown = UUID.randomUUID();
        MetricsBatch batch = batch(mine.orgId(), List.of(
                row("campaign", mine.campaignId(), "2026-06-01", 10, 1, 0, 0, "1", "0"),
                row("campaign", theirs.campaignId(), "2026-06-01", 10, 1, 0, 0, "1", "0"),
                row("line_item", theirs.lineItemId(), "2026-06-01", 10, 1, 0, 0, "1", "0"),
                row("creative", unknown, "2026-06-01", 10, 1, 0, 0, "1", "0"),
                // an id of this organization's, named at the wrong level
                row("creative", mine.lineItemId(), "2026-06-01", 10, 1, 0, 0, "1", "0")));
        EmittedEvents.Mark mark = EmittedEvents.mark();
        MetricsBatches.publish(batch);
        await().atMost(Duration.ofSeconds(30)).until(() -> rowsOfBatch(batch.batchId()) == 1);
        awaitRecorded(batch.batchId());

        assertThat(rowsOfOrganization(theirs.orgId())).isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.campaign_metrics WHERE entity_id IN (?, ?, ?)",
                theirs.campaignId(), theirs.lineItemId(), unknown)).isZero();
        assertThat(rowsOfOrganization(mine.orgId())).isEqualTo(1);
        JsonNode payload = recorded(mark, batch.batchId()).payload();
        assertThat(payload.path("inserted").asInt()).isEqualTo(1);
        assertThat(payload.path("skipped").asInt()).isEqualTo(4);
        List<String> skipped = new ArrayList<>();
        payload.path("skippedEntities").forEach(e -> skipped.add(e.path("level").asText() + ":" + e.path("id").asText()));
        assertThat(skipped).containsExactlyInAnyOrder("campaign:" + theirs.campaignId(), "line_item:" + theirs.lineItemId(),
                "creative:" + unknown, "creative:" + mine.lineItemId());
    }

    @Test
    void rowsSpanningTwoMonthsCreateBothPartitionsWithTenantIsolation() {
        Chain chain = HierarchyFixtures.chain(UUID.randomUUID());
        assertThat(partition("campaign_metrics_y2019m12")).isZero();
        assertThat(partition("campaign_metrics_y2020m01")).isZero();
        MetricsBatch batch = batch(chain.orgId(), List.of(
                row("campaign", chain.campaignId(), "2019-12-31", 1, 0, 0, 0, "0", "0"),
                row("campaign", chain.campaignId(), "2020-01-01", 2, 0, 0, 0, "0", "0")));
        MetricsBatches.publish(batch);
        await().atMost(Duration.ofSeconds(30)).until(() -> rowsOfBatch(batch.batchId()) == 2);

        assertThat(partition("campaign_metrics_y2019m12")).isEqualTo(1);
        assertThat(partition("campaign_metrics_y2020m01")).isEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.campaign_metrics_y2019m12 WHERE entity_id = ?",
                chain.campaignId())).isEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.campaign_metrics_y2020m01 WHERE entity_id = ?",
                chain.campaignId())).isEqualTo(1);
        assertThat(TestDatabase.count("""
                SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'campaign' AND c.relname IN ('campaign_metrics_y2019m12', 'campaign_metrics_y2020m01')
                  AND c.relrowsecurity AND c.relforcerowsecurity""")).isEqualTo(2);
        assertThat(TestDatabase.count("""
                SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_class c ON c.oid = i.inhrelid
                JOIN pg_namespace n ON n.oid = p.relnamespace
                WHERE n.nspname = 'campaign' AND p.relname = 'campaign_metrics' AND c.relispartition
                  AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'""")).as("no catch-all partition").isZero();
    }

    @Test
    void partitionsAreMadeOnceWhenManyCallersAskForTheSameMonthsAtOnce() throws Exception {
        int callers = 6;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Long>> created = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                created.add(pool.submit(() -> {
                    start.await();
                    return TestDatabase.count("SELECT campaign.clp_ensure_metric_partitions('2018-01-15', '2018-04-02')");
                }));
            }
            start.countDown();
            long total = 0;
            for (var f : created) {
                total += f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertThat(total).as("four months, each made by exactly one caller").isEqualTo(4);
        } finally {
            pool.shutdownNow();
        }
        for (String month : List.of("01", "02", "03", "04")) {
            assertThat(partition("campaign_metrics_y2018m" + month)).isEqualTo(1);
        }
        assertThat(TestDatabase.count("SELECT campaign.clp_ensure_metric_partitions('2018-02-01', '2018-03-31')")).isZero();
    }

    private static long partition(String name) {
        return TestDatabase.count("""
                SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'campaign' AND p.relname = 'campaign_metrics' AND c.relname = ?""", name);
    }

    // --- poison messages -------------------------------------------------------------------------------------------

    @Test
    void aBatchThatCanNeverBeAppliedIsDeadLetteredAtOnceAndWritesNothing() throws Exception {
        Chain chain = HierarchyFixtures.chain(UUID.randomUUID());
        MetricsBatch good = batch(chain.orgId(), List.of(
                row("campaign", chain.campaignId(), "2026-07-01", 10, 1, 0, 0, "1", "0"),
                row("line_item", chain.lineItemId(), "2026-07-01", 10, 1, 0, 0, "1", "0")));
        ObjectNode valid = (ObjectNode) MetricsBatches.JSON.valueToTree(good);
        Map<String, Function<ObjectNode, String>> poisons = new LinkedHashMap<>();
        poisons.put("malformed JSON", b -> "{\"batchId\": ");
        poisons.put("a count as a string", b -> withRow(b, r -> r.put("impressions", "10")));
        poisons.put("a count with a fraction", b -> withRow(b, r -> r.put("clicks", 1.5)));
        poisons.put("an amount as a binary number", b -> withRow(b, r -> r.put("spend", 1.1)));
        poisons.put("an unknown level", b -> withRow(b, r -> r.put("level", "ad_group")));
        poisons.put("a negative count", b -> withRow(b, r -> r.put("views", -1)));
        poisons.put("a count above the cap", b -> withRow(b, r -> r.put("impressions", MetricsBatchRules.MAX_COUNT + 1)));
        poisons.put("a count that wraps a long", b -> withRow(b, r -> r.put("clicks", new java.math.BigInteger("9223372036854775808"))));
        poisons.put("no extractedAt", b -> b.deepCopy().putNull("extractedAt").toString());
        poisons.put("an amount with 7 fractional digits", b -> withRow(b, r -> r.put("spend", "0.1234567")));
        poisons.put("a negative amount", b -> withRow(b, r -> r.put("revenue", "-1")));
        poisons.put("an unknown currency", b -> withRow(b, r -> r.put("currency", "XYZ")));
        poisons.put("a date that is not one", b -> withRow(b, r -> r.put("date", "2026-02-30")));
        poisons.put("a missing entity id", b -> withRow(b, r -> r.remove("entityId")));
        poisons.put("the same entity and day twice", b -> {
            ObjectNode copy = b.deepCopy();
            ((ArrayNode) copy.path("rows")).add(copy.path("rows").get(0).deepCopy());
            return copy.toString();
        });
        poisons.put("a batch id that is not its execution's chunk's", b -> b.deepCopy().put("batchId", UUID.randomUUID().toString())
                .toString());
        poisons.put("no rows", b -> {
            ObjectNode copy = b.deepCopy();
            copy.putArray("rows");
            return copy.toString();
        });
        poisons.put("more rows than a batch may hold", b -> {
            ObjectNode copy = b.deepCopy();
            ArrayNode rows = copy.putArray("rows");
            for (int i = 0; i <= MetricsBatch.MAX_ROWS; i++) {
                rows.add(MetricsBatches.JSON.valueToTree(row("campaign", chain.campaignId(),
                        java.time.LocalDate.parse("2020-01-01").plusDays(i).toString(), 1, 0, 0, 0, "0", "0")));
            }
            return copy.toString();
        });
        poisons.put("an unknown level in an otherwise good batch", b -> withRow(b, r -> r.put("level", "CAMPAIGN")));

        for (Map.Entry<String, Function<ObjectNode, String>> poison : poisons.entrySet()) {
            String eventId = UUID.randomUUID().toString();
            MetricsBatches.publishRaw(good.batchId().toString(), poison.getValue().apply(valid), eventId);
            TestEvents.awaitOn(MetricsBatches.DEAD_LETTERS, r -> eventId.equals(header(r, CloudEventHeaders.ID))
                    && "permanent".equals(header(r, "clp-failure")));
        }
        // a good batch in a record without its type header: dead-lettered, never dropped unread nor applied
        String untyped = UUID.randomUUID().toString();
        MetricsBatches.publishUntyped(good.batchId().toString(), MetricsBatches.json(good), untyped);
        TestEvents.awaitOn(MetricsBatches.DEAD_LETTERS, r -> untyped.equals(header(r, CloudEventHeaders.ID))
                && "permanent".equals(header(r, "clp-failure")));
        assertThat(rowsOfOrganization(chain.orgId())).as("nothing of any poison written").isZero();

        // the good batch after them all (same partition): it is applied whole
        MetricsBatches.publish(good);
        await().atMost(Duration.ofSeconds(30)).until(() -> rowsOfBatch(good.batchId()) == 2);
    }

    private static String withRow(ObjectNode batch, java.util.function.Consumer<ObjectNode> change) {
        ObjectNode copy = batch.deepCopy();
        change.accept((ObjectNode) copy.path("rows").get(1));
        return copy.toString();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
