package io.clp.audit.trail;

import io.clp.events.identity.OrganizationDeleted;
import io.clp.platform.retention.PlatformTablesPruner;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestEvents;
import io.clp.testing.TestKafka;
import io.clp.testing.TestOrganizations;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "audit"))
class AuditTrailTest {

    private static final AtomicLong TX = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    private void send(String topic, String key, String value) {
        TestEvents.publishRaw(topic, key, value, Map.of());
    }

    static String organizationCreated(UUID orgId, String slug, long txId, long lsn) {
        return """
                {"before": null,
                 "after": {"id": "%s", "name": "Acme", "slug": "%s", "status": "trial", "settings": "{}"},
                 "source": {"schema": "identity", "table": "organizations", "txId": %d, "lsn": %d, "ts_ms": 1790000000000},
                 "op": "c", "ts_ms": 1790000000100}""".formatted(orgId, slug, txId, lsn);
    }

    static String organizationRenamed(UUID orgId, long txId, long lsn) {
        return """
                {"before": {"id": "%1$s", "name": "Acme", "slug": "acme"},
                 "after": {"id": "%1$s", "name": "Acme Media", "slug": "acme"},
                 "source": {"schema": "identity", "table": "organizations", "txId": %2$d, "lsn": %3$d, "ts_ms": 1790000001000},
                 "op": "u"}""".formatted(orgId, txId, lsn);
    }

    static String context(UUID userId, long txId, long lsn) {
        return """
                {"before": null,
                 "after": {"id": "%s", "tx_id": %d, "actor": "user:%s", "user_id": "%s", "actor_name": "Ada",
                           "request_id": "req-1", "service": "identity"},
                 "source": {"schema": "identity", "table": "transaction_context", "txId": %d, "lsn": %d, "ts_ms": 1790000000000},
                 "op": "c"}""".formatted(UUID.randomUUID(), txId, userId, userId, txId, lsn);
    }

    /** The first change to a table creates its topic, and the consumer joins it on its next metadata refresh. */
    private static final Duration NEW_TOPICS = Duration.ofSeconds(90);

    @BeforeAll
    static void createTheTopicsOfTheTablesTheVisibilityTestsUse() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = Stream.of("auth_tokens", "entity_permissions", "signing_keys")
                    .map(table -> "clp.cdc.identity." + table)
                    .filter(topic -> !existing.contains(topic))
                    .map(topic -> new NewTopic(topic, Optional.empty(), Optional.empty()))
                    .toList();
            admin.createTopics(missing).all().get();
        }
    }

    /** A row of {@code schema.table} in the organization, created in a transaction of its own. */
    private UUID created(String schema, String table, UUID orgId) {
        UUID id = "organizations".equals(table) ? orgId : UUID.randomUUID(); // an organization belongs to itself
        long tx = TX.incrementAndGet();
        send("clp.cdc." + schema + "." + table, id.toString(), """
                {"before": null,
                 "after": {"id": "%s", "org_id": "%s", "name": "row of %s"},
                 "source": {"schema": "%s", "table": "%s", "txId": %d, "lsn": %d, "ts_ms": 1790000000000},
                 "op": "c"}""".formatted(id, orgId, table, schema, table, tx, tx * 10));
        return id;
    }

    private static List<String> resourceTypes(String token, UUID orgId) {
        return given().auth().oauth2(token)
                .when().get("/api/v1/organizations/" + orgId + "/audit-logs")
                .then().statusCode(200).extract().path("items.resourceType");
    }

    @Test
    void anAnalystSeesNeitherApiKeysNorGrantsInTheTrailWhileAnAdminSeesEverything() {
        UUID orgId = TestOrganizations.known("audit", UUID.randomUUID());
        created("identity", "organizations", orgId);
        created("identity", "auth_tokens", orgId);
        created("identity", "entity_permissions", orgId);
        // a table no permission reads yet: admins only, until someone decides otherwise
        created("identity", "signing_keys", orgId);
        await().atMost(NEW_TOPICS).until(() ->
                TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ?", orgId) == 4);

        assertThat(resourceTypes(TestTokens.token(User.member(orgId, "analyst")), orgId))
                .containsExactly("organizations");
        assertThat(resourceTypes(TestTokens.token(User.member(orgId, "developer")), orgId))
                .containsExactlyInAnyOrder("organizations", "auth_tokens", "entity_permissions");
        assertThat(resourceTypes(TestTokens.token(User.member(orgId, "admin")), orgId))
                .containsExactlyInAnyOrder("organizations", "auth_tokens", "entity_permissions", "signing_keys");
        // asking for the hidden type by name shows nothing either
        given().auth().oauth2(TestTokens.token(User.member(orgId, "analyst")))
                .queryParam("resourceType", "auth_tokens")
                .when().get("/api/v1/organizations/" + orgId + "/audit-logs")
                .then().statusCode(200).body("items", empty());
    }

    @Test
    void anApiKeySeesOnlyTheTablesItsScopesRead() {
        UUID orgId = TestOrganizations.known("audit", UUID.randomUUID());
        created("identity", "organizations", orgId);
        created("identity", "auth_tokens", orgId);
        created("identity", "entity_permissions", orgId);
        await().atMost(NEW_TOPICS).until(() ->
                TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ?", orgId) == 3);
        Instant expires = Instant.now().plus(Duration.ofDays(1));

        String trailOnly = TestTokens.apiKey(UUID.randomUUID(), orgId, UUID.randomUUID(), List.of("audit_log:read"), expires);
        assertThat(resourceTypes(trailOnly, orgId)).isEmpty();
        String keysToo = TestTokens.apiKey(UUID.randomUUID(), orgId, UUID.randomUUID(),
                List.of("audit_log:read", "api_key:read", "organization:read"), expires);
        assertThat(resourceTypes(keysToo, orgId)).containsExactlyInAnyOrder("organizations", "auth_tokens");
    }

    @Test
    void aPageOfTheTrailIsFullEvenWhenTheNewestRowsAreHiddenFromTheReader() {
        UUID orgId = TestOrganizations.known("audit", UUID.randomUUID());
        UUID organization = created("identity", "organizations", orgId);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ?", orgId) == 1);
        for (int i = 0; i < 3; i++) {
            created("identity", "auth_tokens", orgId);
        }
        await().atMost(NEW_TOPICS).until(() ->
                TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ?", orgId) == 4);

        String analyst = TestTokens.token(User.member(orgId, "analyst"));
        given().auth().oauth2(analyst).queryParam("limit", 1)
                .when().get("/api/v1/organizations/" + orgId + "/audit-logs")
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].resourceId", equalTo(organization.toString()));
        given().auth().oauth2(TestTokens.token(User.member(orgId, "admin"))).queryParam("limit", 3)
                .when().get("/api/v1/organizations/" + orgId + "/audit-logs")
                .then().statusCode(200)
                .body("items.resourceType", containsInAnyOrder("auth_tokens", "auth_tokens", "auth_tokens"));
    }

    @Test
    void recordsAChangeAndAttributesItWhicheverOfChangeAndContextArrivesFirst() throws Exception {
        UUID orgId = TestOrganizations.known("audit", UUID.randomUUID());
        UUID userId = UUID.randomUUID();
        long created = TX.incrementAndGet();
        long renamed = TX.incrementAndGet();

        // the change first, its context later
        send("clp.cdc.identity.organizations", orgId.toString(), organizationCreated(orgId, "acme", created, created * 10));
        send("clp.cdc.identity.transaction_context", "k", context(userId, created, created * 10 + 1));
        // the context first, the change later
        send("clp.cdc.identity.transaction_context", "k", context(userId, renamed, renamed * 10));
        send("clp.cdc.identity.organizations", orgId.toString(), organizationRenamed(orgId, renamed, renamed * 10 + 1));

        await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM audit.audit_logs WHERE org_id = ? AND user_id = ?", orgId, userId) == 2);

        User member = User.member(orgId, "analyst");
        given().auth().oauth2(TestTokens.token(member))
                .when().get("/api/v1/organizations/" + orgId + "/audit-logs")
                .then().statusCode(200)
                .body("items", hasSize(2))
                .body("items.find { it.action == 'create' }.resourceType", equalTo("organizations"))
                .body("items.find { it.action == 'create' }.resourceId", equalTo(orgId.toString()))
                .body("items.find { it.action == 'create' }.newValues.slug", equalTo("acme"))
                .body("items.find { it.action == 'create' }.actor.userId", equalTo(userId.toString()))
                .body("items.find { it.action == 'update' }.changes.name.old", equalTo("Acme"))
                .body("items.find { it.action == 'update' }.changes.name.new", equalTo("Acme Media"))
                .body("items.find { it.action == 'update' }.actor.requestId", equalTo("req-1"));

        given().auth().oauth2(TestTokens.token(member))
                .when().get("/api/v1/organizations/" + orgId + "/audit-logs?limit=1")
                .then().statusCode(200).body("items", hasSize(1)).body("nextCursor", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void aContextFindsItsEarlierChangesByIndexHoweverManyAnotherTransactionLeftUnattributed() throws Exception {
        // a bulk load's changes, written with no context: thousands of one transaction's, unattributed for good
        long bulk = TX.incrementAndGet();
        TestDatabase.execute("INSERT INTO audit.audit_logs (change_id, action, resource_type, source_service, tx_id, committed_at) "
                + "SELECT gen_random_uuid(), 'create', 'campaigns', 'campaign', ?, now() FROM generate_series(1, 20000)", bulk);
        try {
            TestDatabase.execute("ANALYZE audit.audit_logs");
            long tx = TX.incrementAndGet();
            String contexts = "[{\"id\": \"" + UUID.randomUUID() + "\", \"source_service\": \"campaign\", \"tx_id\": " + tx + "}]";
            List<String> plan = new ArrayList<>();
            // as a batch runs it: the service's role and scope, the batch's locks (which settle how its statements are planned)
            try (Connection c = TestDatabase.asService("audit")) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT set_config('clp.scope', 'system', true)");
                }
                try (PreparedStatement lock = c.prepareStatement(AuditTrail.LOCK.replace("?1", "?"))) {
                    lock.setString(1, "[{\"source_service\": \"campaign\", \"tx_id\": " + tx + "}]");
                    lock.executeQuery().close();
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW plan_cache_mode")) {
                    rs.next();
                    assertThat(rs.getString(1)).as("the batch's statements are planned for their values").isEqualTo("force_custom_plan");
                }
                try (PreparedStatement ps = c.prepareStatement("EXPLAIN "
                        + AuditTrail.ATTRIBUTE_EARLIER_CHANGES.replace("?1", "?").replace("?2", "?").replace("?3", "?"))) {
                    ps.setString(1, contexts);
                    ps.setString(2, AuditTrail.arrayText(Stream.of(String.valueOf(tx))));
                    ps.setString(3, AuditTrail.arrayText(Stream.of(AuditTrail.quoted("campaign"))));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            plan.add(rs.getString(1).strip());
                        }
                    }
                }
                // a service's name reaches PostgreSQL as it is, whatever it holds
                String odd = "a \"quoted\", {braced} \\ name";
                try (PreparedStatement ps = c.prepareStatement("SELECT CAST(CAST(? AS text) AS text[])")) {
                    ps.setString(1, AuditTrail.arrayText(Stream.of(odd, "", "NULL", " padded ", "campaign").map(AuditTrail::quoted)));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertThat((String[]) rs.getArray(1).getArray()).containsExactly(odd, "", "NULL", " padded ", "campaign");
                    }
                }
                c.rollback();
            }
            // the changes are looked up by service and transaction, never all the unattributed ones read through
            assertThat(plan).noneMatch(line -> line.contains("Seq Scan on audit_logs"));
            int scan = plan.indexOf(plan.stream().filter(line -> line.contains("using idx_audit_logs_unattributed on audit_logs"))
                    .findFirst().orElseThrow(() -> new AssertionError("no scan of the unattributed changes' index: " + plan)));
            assertThat(scan + 1).as("a condition under the index scan in %s", plan).isLessThan(plan.size());
            assertThat(plan.get(scan + 1)).startsWith("Index Cond:").contains("source_service").contains("tx_id");
        } finally {
            TestDatabase.execute("DELETE FROM audit.audit_logs WHERE source_service = 'campaign' AND tx_id = ?", bulk);
            TestDatabase.execute("ANALYZE audit.audit_logs");
        }
    }

    @Test
    void recordsARedeliveredChangeOnce() throws Exception {
        UUID orgId = TestOrganizations.known("audit", UUID.randomUUID());
        long tx = TX.incrementAndGet();
        String event = organizationCreated(orgId, "twice", tx, tx * 10);
        send("clp.cdc.identity.organizations", orgId.toString(), event);
        send("clp.cdc.identity.organizations", orgId.toString(), event);
        UUID marker = UUID.randomUUID();
        long next = TX.incrementAndGet();
        send("clp.cdc.identity.organizations", marker.toString(), organizationCreated(marker, "marker", next, next * 10));

        await().atMost(Duration.ofSeconds(30)).until(() ->
                TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ?", marker) == 1);
        assertThat(TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ?", orgId)).isEqualTo(1);
    }

    @Test
    void sendsAPoisonMessageToTheDeadLetterTopicAndKeepsConsuming() throws Exception {
        send("clp.cdc.identity.organizations", "poison", "{not json");
        UUID orgId = TestOrganizations.known("audit", UUID.randomUUID());
        long tx = TX.incrementAndGet();
        send("clp.cdc.identity.organizations", orgId.toString(), organizationCreated(orgId, "after-poison", tx, tx * 10));

        await().atMost(Duration.ofSeconds(30)).until(() ->
                TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ?", orgId) == 1);
        TestEvents.awaitOn("clp.cdc.audit-trail.dlq", record -> "{not json".equals(record.value()));
    }

    @Test
    void prunesItsCopiesOfTransactionContextsPastTheirRetention() throws Throwable {
        UUID old = UUID.randomUUID();
        UUID fresh = UUID.randomUUID();
        for (Object[] row : new Object[][]{{old, "8 days"}, {fresh, "1 minute"}}) {
            TestDatabase.execute("INSERT INTO audit.transaction_contexts (id, source_service, tx_id, actor, created_at) "
                    + "VALUES (?, 'identity', 1, 'system:test', now() - CAST(? AS interval))", row);
        }
        PlatformTablesPruner pruner = Arc.container().instance(PlatformTablesPruner.class).get();
        VertxContextSupport.subscribeAndAwait(() -> pruner.prune(Instant.now()));
        assertThat(TestDatabase.count("SELECT count(*) FROM audit.transaction_contexts WHERE id = ?", old)).isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM audit.transaction_contexts WHERE id = ?", fresh)).isEqualTo(1);
    }

    @Test
    void aDeletedOrganizationsTrailIsGoneAtOnce() {
        UUID orgId = TestOrganizations.known("audit", UUID.randomUUID());
        String admin = TestTokens.token(User.member(orgId, "admin"));
        given().auth().oauth2(admin).when().get("/api/v1/organizations/" + orgId + "/audit-logs").then().statusCode(200);
        // the token still names the organization; the deletion event is what this service goes by
        TestEvents.publish(new OrganizationDeleted(orgId, "gone", UUID.randomUUID(), Instant.now().truncatedTo(ChronoUnit.MICROS), 1L));
        await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(admin)
                .get("/api/v1/organizations/" + orgId + "/audit-logs").statusCode() == 404);
    }

    @Test
    void refusesAViewerBecauseReadingTheTrailNeedsTheAuditLogPermission() {
        UUID orgId = TestOrganizations.known("audit", UUID.randomUUID());
        given().auth().oauth2(TestTokens.token(User.member(orgId, "viewer")))
                .when().get("/api/v1/organizations/" + orgId + "/audit-logs")
                .then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:forbidden"));
    }

    @Test
    void hidesAnotherOrganizationsTrailAndRequiresAToken() {
        UUID orgId = TestOrganizations.known("audit", UUID.randomUUID());
        given().when().get("/api/v1/organizations/" + orgId + "/audit-logs")
                .then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.token(User.member(UUID.randomUUID(), "admin")))
                .when().get("/api/v1/organizations/" + orgId + "/audit-logs")
                .then().statusCode(404).contentType("application/problem+json")
                .body("requestId", org.hamcrest.Matchers.notNullValue())
                .body("errors", nullValue());
    }
}
