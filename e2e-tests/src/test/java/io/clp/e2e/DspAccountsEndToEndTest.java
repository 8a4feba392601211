package io.clp.e2e;

import io.clp.launcher.ServiceComponent;
import io.clp.launcher.Stack;
import io.clp.launcher.StackContext;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * An organization connects a simulated account of each of the five DSPs through campaign-service's API with a real
 * Keycloak token, syncs it on demand and reads its campaign hierarchy; the DSP credentials reach no response, Kafka
 * topic, audit row or log line; a sync whose process is killed halfway resumes and ends with exactly the DSP's
 * hierarchy.
 */
@Order(1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DspAccountsEndToEndTest {

    private static final Duration BOUND = Duration.ofSeconds(120);

    /** The credentials the DSP simulator accepts (dsp-simulator/README.md); the secret ones must never show. */
    private static final Map<String, String> GOOGLE = Map.of("client_id", "clp-sim-client",
            "client_secret", "clp-sim-secret", "refresh_token", "clp-sim-refresh-token");
    private static final List<String> SECRETS = List.of("clp-sim-secret", "clp-sim-refresh-token", "clp-sim-password",
            "clp-sim-meta-token", "clp-sim-developer-token");

    private record Dsp(String type, String account, String timeZone, String currency, Map<String, String> credentials) {
    }

    private static final List<Dsp> SMALL_ACCOUNTS = List.of(
            new Dsp("dv360", "1000001", "America/New_York", "USD", GOOGLE),
            new Dsp("ttd", "ttdadv01", "America/Los_Angeles", "USD", Map.of("login", "clp-sim", "password", "clp-sim-password")),
            new Dsp("meta", "act_2000001", "America/Chicago", "USD", Map.of("access_token", "clp-sim-meta-token")),
            new Dsp("amazon", "3000001", "America/New_York", "USD", with(GOOGLE, "profile_id", "4400003000001")),
            new Dsp("google_ads", "4000000001", "America/Denver", "USD", with(GOOGLE, "developer_token", "clp-sim-developer-token")));

    private static Stack stack;
    private static StackContext ctx;
    private static StackClient client;
    private static String orgId;
    private static final AtomicReference<String> admin = new AtomicReference<>();
    /** Every API answer body this test saw, searched for the secrets at the end. */
    private static final List<String> answers = new ArrayList<>();

    @BeforeAll
    static void startStack() {
        stack = LocalStack.get();
        ctx = stack.context();
        client = new StackClient(ctx);
        String slug = "dsps-" + UUID.randomUUID().toString().substring(0, 8);
        orgId = given().auth().oauth2(client.demoToken()).contentType(ContentType.JSON)
                .body("{\"name\": \"Five DSPs\", \"slug\": \"" + slug + "\"}")
                .when().post(client.service("identity", "/organizations")).then().statusCode(201).extract().path("id");
        client.awaitKnownTo(orgId, "campaign", "audit");
        // a free organization may connect two accounts: an operator raises the quota for the six used here
        client.grantRealmRole(StackClient.claims(client.demoToken()).get("sub").asText(), "clp-operator");
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> {
            admin.set(client.demoToken());
            return StackClient.hasRole(admin.get(), orgId, "admin")
                    && StackClient.claims(admin.get()).path("realm_access").path("roles").toString().contains("clp-operator");
        });
        given().auth().oauth2(admin.get()).contentType(ContentType.JSON).body("{\"dsp_accounts\": 10}")
                .put(client.service("identity", "/operator/organizations/" + orgId + "/quotas")).then().statusCode(204);
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() -> "10".equals(client.queryText(
                "SELECT quotas ->> 'dsp_accounts' FROM campaign.organization_refs WHERE org_id = CAST(? AS uuid)", orgId)));
    }

    private static Map<String, String> with(Map<String, String> base, String name, String value) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.put(name, value);
        return m;
    }

    private static String campaignApi(String path) {
        return client.service("campaign", "/organizations/" + orgId + path);
    }

    private static Response seen(Response r) {
        answers.add(r.asString());
        return r;
    }

    private static String connect(Dsp dsp) {
        Response r = seen(given().auth().oauth2(admin.get()).contentType(ContentType.JSON)
                .body(Map.of("dspType", dsp.type(), "externalAccountId", dsp.account(), "credentials", dsp.credentials()))
                .when().post(campaignApi("/dsp-accounts")));
        r.then().statusCode(201).body("accountTimezone", equalTo(dsp.timeZone())).body("currency", equalTo(dsp.currency()));
        return r.path("id");
    }

    private static String syncToSuccess(String accountId, Duration within) {
        Response started = seen(given().auth().oauth2(admin.get()).when().post(campaignApi("/dsp-accounts/" + accountId + "/sync")));
        started.then().statusCode(202);
        String runId = started.path("id");
        awaitSucceeded(accountId, runId, within);
        return runId;
    }

    private static void awaitSucceeded(String accountId, String runId, Duration within) {
        await().atMost(within).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Response run = seen(given().auth().oauth2(client.demoToken())
                    .get(campaignApi("/dsp-accounts/" + accountId + "/sync-runs/" + runId)));
            run.then().statusCode(200);
            assertThat(run.<String>path("status")).as("run %s: %s", runId, run.asString()).isNotEqualTo("failed");
            return "succeeded".equals(run.path("status"));
        });
    }

    /** Every item of a cursor-paged list. */
    private static List<Map<String, Object>> all(String url, Map<String, ?> params) {
        List<Map<String, Object>> items = new ArrayList<>();
        String cursor = null;
        do {
            var request = given().auth().oauth2(admin.get()).queryParams(params).queryParam("limit", 15);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response page = seen(request.get(url));
            page.then().statusCode(200);
            items.addAll(page.jsonPath().getList("items"));
            cursor = page.path("nextCursor");
        } while (cursor != null);
        return items;
    }

    @Test
    @Order(1)
    void anOrganizationConnectsEachDspSyncsItAndSeesItsCampaignHierarchy() {
        for (Dsp dsp : SMALL_ACCOUNTS) {
            String accountId = connect(dsp);
            seen(given().auth().oauth2(admin.get()).get(campaignApi("/dsp-accounts/" + accountId))).then().statusCode(200)
                    .body("dspType", equalTo(dsp.type())).body("externalAccountId", equalTo(dsp.account()))
                    .body("accountTimezone", equalTo(dsp.timeZone())).body("currency", equalTo(dsp.currency()));

            syncToSuccess(accountId, BOUND);
            seen(given().auth().oauth2(admin.get()).get(campaignApi("/dsp-accounts/" + accountId))).then().statusCode(200)
                    .body("lastSyncStatus", equalTo("succeeded"));

            List<Map<String, Object>> campaigns = all(campaignApi("/campaigns"), Map.of("dspAccountId", accountId));
            assertThat(campaigns).as(dsp.type()).hasSize(40)
                    .allSatisfy(c -> assertThat(c).containsEntry("dspType", dsp.type()).containsEntry("dspAccountId", accountId));
            assertThat(campaigns.stream().map(c -> c.get("externalId")).distinct()).hasSize(40);

            String campaignId = (String) campaigns.get(0).get("id");
            seen(given().auth().oauth2(admin.get()).get(campaignApi("/campaigns/" + campaignId))).then().statusCode(200)
                    .body("children.insertionOrders", equalTo(2)).body("children.lineItems", equalTo(6))
                    .body("children.creatives", equalTo(12));
            List<Map<String, Object>> ios = all(campaignApi("/campaigns/" + campaignId + "/insertion-orders"), Map.of());
            assertThat(ios).as(dsp.type() + " insertion orders").hasSize(2);
            int lineItems = 0;
            int creatives = 0;
            for (Map<String, Object> io : ios) {
                seen(given().auth().oauth2(admin.get()).get(campaignApi("/insertion-orders/" + io.get("id")))).then().statusCode(200)
                        .body("campaignId", equalTo(campaignId));
                List<Map<String, Object>> lis = all(campaignApi("/insertion-orders/" + io.get("id") + "/line-items"), Map.of());
                lineItems += lis.size();
                for (Map<String, Object> li : lis) {
                    seen(given().auth().oauth2(admin.get()).get(campaignApi("/line-items/" + li.get("id")))).then().statusCode(200)
                            .body("insertionOrderId", equalTo(io.get("id")));
                    List<Map<String, Object>> crs = all(campaignApi("/line-items/" + li.get("id") + "/creatives"), Map.of());
                    creatives += crs.size();
                    for (Map<String, Object> cr : crs) {
                        seen(given().auth().oauth2(admin.get()).get(campaignApi("/creatives/" + cr.get("id")))).then()
                                .statusCode(200).body("lineItemId", equalTo(li.get("id")));
                    }
                }
            }
            assertThat(lineItems).as(dsp.type() + " line items").isEqualTo(6);
            assertThat(creatives).as(dsp.type() + " creatives").isEqualTo(12);
        }
    }

    @Test
    @Order(2)
    void theDspCredentialsReachNoResponseTopicAuditRowOrLog() throws Exception {
        seen(given().auth().oauth2(admin.get()).queryParam("limit", 200).get(campaignApi("/dsp-accounts"))).then().statusCode(200);
        for (String answer : answers) {
            assertNoSecret("an API answer", answer);
        }

        // the accounts' own changes have reached the audit trail through CDC: read all of the organization's trail
        String auditLogs = client.service("audit", "/organizations/" + orgId + "/audit-logs");
        await().atMost(BOUND).pollInterval(Duration.ofSeconds(1)).until(() ->
                given().auth().oauth2(admin.get()).queryParam("resourceType", "dsp_accounts").get(auditLogs)
                        .then().statusCode(200).extract().jsonPath().getList("items").size() >= SMALL_ACCOUNTS.size());
        String cursor = null;
        int entries = 0;
        do {
            var request = given().auth().oauth2(admin.get()).queryParam("limit", 200);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response page = request.get(auditLogs);
            page.then().statusCode(200);
            assertNoSecret("the audit trail", page.asString());
            entries += page.jsonPath().getList("items").size();
            cursor = page.path("nextCursor");
        } while (cursor != null);
        assertThat(entries).isPositive();
        String rows = client.queryText("SELECT string_agg(t::text, E'\\n') FROM audit.audit_logs t");
        assertThat(rows).isNotNull();
        assertNoSecret("audit-service's rows", rows);

        // every record of every CDC and event topic, from the beginning
        int records = 0;
        try (AdminClient kafkaAdmin = AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.kafkaBootstrap()));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.kafkaBootstrap(),
                     ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + UUID.randomUUID(),
                     ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                     ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                     ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            Set<String> topics = kafkaAdmin.listTopics().names().get();
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                if (topic.startsWith("clp.cdc.") || topic.startsWith("clp.events.") || topic.startsWith("clp.state.")) {
                    for (PartitionInfo p : consumer.partitionsFor(topic)) {
                        partitions.add(new TopicPartition(topic, p.partition()));
                    }
                }
            }
            assertThat(partitions).extracting(TopicPartition::topic).contains("clp.cdc.campaign.dsp_accounts");
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Set<TopicPartition> pending = new HashSet<>(partitions);
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    String where = r.topic() + "@" + r.offset();
                    assertNoSecret(where + " key", r.key());
                    assertNoSecret(where + " value", r.value());
                    for (Header h : r.headers()) {
                        assertNoSecret(where + " header " + h.key(), h.value());
                    }
                }
                pending.removeIf(tp -> consumer.position(tp) >= ends.get(tp));
            }
            assertThat(pending).as("topics read to their end").isEmpty();
        }
        assertThat(records).isPositive();

        ServiceComponent campaign = stack.service("campaign");
        String log = Files.readString(campaign.log(), StandardCharsets.UTF_8);
        assertThat(log).as("campaign-service's log").isNotEmpty();
        assertNoSecret("campaign-service's log " + campaign.log(), log);
    }

    private static void assertNoSecret(String where, byte[] bytes) {
        if (bytes != null) {
            assertNoSecret(where, new String(bytes, StandardCharsets.ISO_8859_1));
        }
    }

    private static void assertNoSecret(String where, String text) {
        for (String secret : SECRETS) {
            assertThat(text).as(where).doesNotContain(secret);
        }
    }

    @Test
    @Order(3)
    void aSyncWhoseProcessIsKilledHalfwayResumesAndEndsWithExactlyTheDspsHierarchy() {
        String accountId = connect(new Dsp("dv360", "1000002", "Europe/Berlin", "EUR", GOOGLE));
        Response started = given().auth().oauth2(admin.get()).when().post(campaignApi("/dsp-accounts/" + accountId + "/sync"));
        started.then().statusCode(202);
        String runId = started.path("id");
        String runUrl = campaignApi("/dsp-accounts/" + accountId + "/sync-runs/" + runId);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() ->
                given().auth().oauth2(admin.get()).get(runUrl).then().statusCode(200).extract().<Integer>path("pages") >= 3);
        String campaignsBefore = count("SELECT count(*) FROM campaign.campaigns WHERE dsp_account_id = CAST(? AS uuid)", accountId);

        ServiceComponent campaign = stack.service("campaign");
        ProcessHandle process = campaign.process().orElseThrow();
        process.destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
        assertThat(client.queryText("SELECT status FROM campaign.sync_runs WHERE id = CAST(? AS uuid)", runId))
                .as("the run was cut off halfway, campaigns %s", campaignsBefore).isIn("queued", "running");

        campaign.start();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(campaign::healthy);
        // the scheduler takes the run up again once the dead process's lease has run out
        await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(2)).until(() -> "succeeded".equals(
                client.queryText("SELECT last_sync_status FROM campaign.dsp_accounts WHERE id = CAST(? AS uuid)", accountId)));

        String ofAccount = " WHERE campaign_id IN (SELECT id FROM campaign.campaigns WHERE dsp_account_id = CAST(? AS uuid))"
                + " AND removed_at IS NULL";
        assertThat(count("SELECT count(*) FROM campaign.campaigns WHERE dsp_account_id = CAST(? AS uuid) AND removed_at IS NULL",
                accountId)).isEqualTo("2000");
        assertThat(count("SELECT count(*) FROM campaign.insertion_orders" + ofAccount, accountId)).isEqualTo("2000");
        assertThat(count("SELECT count(*) FROM campaign.line_items" + ofAccount, accountId)).isEqualTo("10000");
        assertThat(count("SELECT count(*) FROM campaign.creatives" + ofAccount, accountId)).isEqualTo("20000");
        assertThat(count("SELECT count(DISTINCT external_id) FROM campaign.creatives" + ofAccount, accountId)).isEqualTo("20000");
        assertThat(count("SELECT count(*) FROM campaign.line_items l" + ofAccount.replace("campaign_id", "l.campaign_id")
                + " AND NOT EXISTS (SELECT 1 FROM campaign.insertion_orders i WHERE i.id = l.insertion_order_id)", accountId))
                .as("line items without their insertion order").isEqualTo("0");
        given().auth().oauth2(client.demoToken()).get(campaignApi("/dsp-accounts/" + accountId + "/sync-runs"))
                .then().statusCode(200).body("items[0].status", equalTo("succeeded"));
    }

    private static String count(String sql, Object... args) {
        return client.queryText(sql, args);
    }
}
