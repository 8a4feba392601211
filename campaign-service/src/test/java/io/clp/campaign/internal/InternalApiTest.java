package io.clp.campaign.internal;

import io.clp.campaign.CampaignFixtures;
import io.clp.campaign.SimulatedDsps;
import io.clp.campaign.account.AccountConnections;
import io.clp.dsp.Dsp;
import io.clp.events.campaign.CampaignCreated;
import io.clp.testing.EmittedEvents;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestOrganizations;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * campaign-service's internal API (docs/adr/0012-internal-service-calls.md): only pipeline-service's service account
 * gets in; the organization it names must be active and own what it asks about; names and external ids resolve
 * set-based with ambiguity refused; unknown names paths are created once however many callers race; short-lived DSP
 * access is never cached by HTTP, logged or published.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class InternalApiTest {

    private static final String PIPELINE = "clp-pipeline-service";
    private static final String SERVICE = TestTokens.serviceAccount(PIPELINE, List.of(InternalCallers.ROLE));

    @Inject
    AccountConnections connections;

    private final List<String> logLines = Collections.synchronizedList(new ArrayList<>());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLoggerName() == null || !record.getLoggerName().startsWith("io.clp.dspsim")) {
                StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
                if (record.getParameters() != null) {
                    for (Object p : record.getParameters()) {
                        line.append(' ').append(p);
                    }
                }
                for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                    line.append(' ').append(t);
                }
                logLines.add(line.toString());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    private static String resolutions(UUID orgId) {
        return "/internal/v1/organizations/" + orgId + "/entity-resolutions";
    }

    private static String delegated(UUID orgId, UUID accountId) {
        return "/internal/v1/organizations/" + orgId + "/dsp-accounts/" + accountId + "/delegated-access";
    }

    private static ExtractableResponse<Response> resolve(String token, UUID orgId, Map<String, Object> body, int status) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                .when().post(resolutions(orgId)).then().statusCode(status).extract();
    }

    private static Map<String, Object> request(UUID accountId, boolean create, List<Map<String, String>> keys) {
        Map<String, Object> body = new HashMap<>();
        if (accountId != null) {
            body.put("dspAccountId", accountId.toString());
        }
        body.put("createUnknown", create);
        body.put("keys", keys);
        return body;
    }

    private static Map<String, String> ext(String level, String externalId) {
        return Map.of("level", level, "externalId", externalId);
    }

    private static Map<String, String> names(String... path) {
        Map<String, String> key = new LinkedHashMap<>();
        String[] fields = {"campaign", "insertionOrder", "lineItem", "creative"};
        for (int i = 0; i < path.length; i++) {
            if (path[i] != null) {
                key.put(fields[i], path[i]);
            }
        }
        return key;
    }

    /** A campaign > insertion order > line item > creative chain of the account; returns their ids in that order. */
    private static UUID[] hierarchy(UUID orgId, UUID accountId, String dsp, String prefix, String[] names) {
        UUID c = UUID.randomUUID(), io = UUID.randomUUID(), li = UUID.randomUUID(), cr = UUID.randomUUID();
        TestDatabase.execute("INSERT INTO campaign.campaigns (id, org_id, dsp_account_id, dsp_type, external_id, name, status) "
                + "VALUES (?, ?, ?, CAST(? AS campaign.dsp_type), ?, ?, 'active')", c, orgId, accountId, dsp, prefix + "-c", names[0]);
        TestDatabase.execute("INSERT INTO campaign.insertion_orders (id, org_id, dsp_account_id, dsp_type, external_id, campaign_id, "
                + "campaign_external_id, name, status) VALUES (?, ?, ?, CAST(? AS campaign.dsp_type), ?, ?, ?, ?, 'active')",
                io, orgId, accountId, dsp, prefix + "-io", c, prefix + "-c", names[1]);
        TestDatabase.execute("INSERT INTO campaign.line_items (id, org_id, dsp_account_id, dsp_type, external_id, insertion_order_id, "
                + "insertion_order_external_id, campaign_id, name, status) VALUES (?, ?, ?, CAST(? AS campaign.dsp_type), ?, ?, ?, ?, ?, 'active')",
                li, orgId, accountId, dsp, prefix + "-li", io, prefix + "-io", c, names[2]);
        TestDatabase.execute("INSERT INTO campaign.creatives (id, org_id, dsp_account_id, dsp_type, external_id, line_item_id, "
                + "line_item_external_id, campaign_id, name, status) VALUES (?, ?, ?, CAST(? AS campaign.dsp_type), ?, ?, ?, ?, ?, 'active')",
                cr, orgId, accountId, dsp, prefix + "-cr", li, prefix + "-li", c, names[3]);
        return new UUID[] {c, io, li, cr};
    }

    private static UUID account(UUID orgId, String dsp, String currency) {
        UUID id = CampaignFixtures.dspAccount(orgId, "Account " + dsp);
        TestDatabase.execute("UPDATE campaign.dsp_accounts SET dsp_type = CAST(? AS campaign.dsp_type), currency = ? WHERE id = ?",
                dsp, currency, id);
        return id;
    }

    @Test
    void onlyThePipelineServiceAccountGetsIn() {
        UUID orgId = TestOrganizations.known("campaign", UUID.randomUUID());
        Map<String, Object> body = request(null, false, List.of(ext("campaign", "nothing")));
        resolve(SERVICE, orgId, body, 200);

        // no token, a member's token, an API key's token: not even authenticated on /internal (audience clp-api)
        given().contentType(ContentType.JSON).body(body).when().post(resolutions(orgId)).then().statusCode(401)
                .contentType("application/problem+json").body("type", equalTo("urn:clp:problem:unauthorized"));
        String admin = TestTokens.token(User.member(orgId, "admin"));
        // accepted on the public API first, the same token is still checked against the internal audience
        given().auth().oauth2(admin).when().get("/api/v1/organizations/" + orgId + "/dsp-accounts").then().statusCode(200);
        resolve(admin, orgId, body, 401);
        String apiKey = TestTokens.apiKey(UUID.randomUUID(), orgId, UUID.randomUUID(), List.of("campaigns:read"),
                Instant.now().plusSeconds(3600));
        resolve(apiKey, orgId, body, 401);
        // a member's token that somehow carries the internal audience, another client, the client without the role
        for (String token : List.of(TestTokens.withAudience(User.member(orgId, "admin"), "clp-internal"),
                TestTokens.serviceAccount("clp-rules-service", List.of(InternalCallers.ROLE)),
                TestTokens.serviceAccount(PIPELINE, List.of("viewer")))) {
            ExtractableResponse<Response> refused = resolve(token, orgId, body, 403);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.<String>path("type")).isEqualTo("urn:clp:problem:forbidden");
        }
        given().auth().oauth2(admin).when().post(delegated(orgId, UUID.randomUUID())).then().statusCode(401);
        // and the service account's token, accepted on /internal above, opens none of the public API
        given().auth().oauth2(SERVICE).when().get("/api/v1/organizations/" + orgId + "/dsp-accounts").then().statusCode(401);
    }

    @Test
    void theInternalPathsAreNotInThePublicOpenApiDocument() {
        String document = given().accept("application/json").when().get("/q/openapi").then().statusCode(200).extract().asString();
        assertThat(document).contains("/api/v1/organizations/{orgId}/dsp-accounts").doesNotContain("/internal/");
    }

    @Test
    void theOrganizationMustBeKnownActiveAndOwnWhatIsAskedFor() {
        UUID orgA = TestOrganizations.known("campaign", UUID.randomUUID());
        UUID orgB = TestOrganizations.known("campaign", UUID.randomUUID());
        UUID accountA = account(orgA, "dv360", "EUR");
        UUID[] ids = hierarchy(orgA, accountA, "dv360", "iso-" + orgA, new String[] {"Brand", "IO", "LI", "Banner"});

        // organization A resolves its own entity; B, naming A's external ids and names, gets nothing
        assertThat(resolve(SERVICE, orgA, request(null, false, List.of(ext("campaign", "iso-" + orgA + "-c"))), 200)
                .<String>path("results[0].campaignId")).isEqualTo(ids[0].toString());
        var b = resolve(SERVICE, orgB, request(null, false, List.of(ext("campaign", "iso-" + orgA + "-c"),
                names("Brand", "IO", "LI", "Banner"))), 200);
        assertThat(b.<List<String>>path("results.unresolved")).containsExactly("not-found", "not-found");
        // A's account named under B is unknown there
        resolve(SERVICE, orgB, request(accountA, false, List.of(ext("campaign", "x"))), 404);
        given().auth().oauth2(SERVICE).when().post(delegated(orgB, accountA)).then().statusCode(404)
                .contentType("application/problem+json");

        // an organization the read model does not know, or a suspended one
        resolve(SERVICE, UUID.randomUUID(), request(null, false, List.of(ext("campaign", "x"))), 404);
        UUID suspended = TestOrganizations.known("campaign", UUID.randomUUID());
        TestDatabase.execute("UPDATE campaign.organization_refs SET status = 'suspended' WHERE org_id = ?", suspended);
        resolve(SERVICE, suspended, request(null, false, List.of(ext("campaign", "x"))), 409);
        given().auth().oauth2(SERVICE).when().post(delegated(suspended, UUID.randomUUID())).then().statusCode(409)
                .body("type", equalTo("urn:clp:problem:organization-suspended"));
        // an organization on trial (every new one) runs its pipelines like an active one
        UUID trial = TestOrganizations.known("campaign", UUID.randomUUID());
        TestDatabase.execute("UPDATE campaign.organization_refs SET status = 'trial' WHERE org_id = ?", trial);
        assertThat(resolve(SERVICE, trial, request(null, false, List.of(ext("campaign", "x"))), 200)
                .<List<String>>path("results.unresolved")).containsExactly("not-found");
    }

    @Test
    void externalIdsResolveWithTheirAncestorsAndCurrencyAndClashesAcrossDspsAreAmbiguous() {
        UUID orgId = TestOrganizations.known("campaign", UUID.randomUUID());
        UUID dv360 = account(orgId, "dv360", "EUR");
        UUID ttd = account(orgId, "ttd", "USD");
        String p = "ext-" + orgId;
        UUID[] ids = hierarchy(orgId, dv360, "dv360", p, new String[] {"Brand", "IO", "LI", "Banner"});
        // the same external ids at TTD
        UUID[] other = hierarchy(orgId, ttd, "ttd", p, new String[] {"Other", "IO", "LI", "Banner"});

        var inAccount = resolve(SERVICE, orgId, request(dv360, false, List.of(ext("creative", p + "-cr"),
                ext("line_item", p + "-li"), ext("insertion_order", p + "-io"), ext("campaign", p + "-c"),
                ext("campaign", "unknown"))), 200);
        assertThat(inAccount.<String>path("results[0].campaignId")).isEqualTo(ids[0].toString());
        assertThat(inAccount.<String>path("results[0].insertionOrderId")).isEqualTo(ids[1].toString());
        assertThat(inAccount.<String>path("results[0].lineItemId")).isEqualTo(ids[2].toString());
        assertThat(inAccount.<String>path("results[0].creativeId")).isEqualTo(ids[3].toString());
        assertThat(inAccount.<String>path("results[0].currency")).isEqualTo("EUR");
        assertThat(inAccount.<String>path("results[1].lineItemId")).isEqualTo(ids[2].toString());
        assertThat(inAccount.<String>path("results[1].creativeId")).isNull();
        assertThat(inAccount.<String>path("results[2].insertionOrderId")).isEqualTo(ids[1].toString());
        assertThat(inAccount.<String>path("results[2].lineItemId")).isNull();
        assertThat(inAccount.<String>path("results[3].campaignId")).isEqualTo(ids[0].toString());
        assertThat(inAccount.<String>path("results[4].unresolved")).isEqualTo("not-found");
        assertThat(inAccount.<String>path("results[4].campaignId")).isNull();

        var ttdOnly = resolve(SERVICE, orgId, request(ttd, false, List.of(ext("campaign", p + "-c"))), 200);
        assertThat(ttdOnly.<String>path("results[0].campaignId")).isEqualTo(other[0].toString());
        assertThat(ttdOnly.<String>path("results[0].currency")).isEqualTo("USD");
        // across the organization the id names two campaigns
        var across = resolve(SERVICE, orgId, request(null, false, List.of(ext("campaign", p + "-c"))), 200);
        assertThat(across.<String>path("results[0].unresolved")).isEqualTo("ambiguous");
        assertThat(across.<String>path("results[0].campaignId")).isNull();
    }

    @Test
    void namesPathsResolveAndTwoEntitiesOnOnePathAreAmbiguous() {
        UUID orgId = TestOrganizations.known("campaign", UUID.randomUUID());
        UUID first = account(orgId, "dv360", "EUR");
        UUID second = account(orgId, "meta", "GBP");
        String p = "n-" + orgId;
        UUID[] a = hierarchy(orgId, first, "dv360", p + "a", new String[] {"Spring", "Strategy", "Placement", "Banner"});
        UUID[] b = hierarchy(orgId, second, "meta", p + "b", new String[] {"Spring", "Strategy", "Placement", "Video"});

        var across = resolve(SERVICE, orgId, request(null, false, List.of(
                names("Spring", "Strategy", "Placement", "Banner"),
                names("Spring", "Strategy", "Placement", "Video"),
                names("Spring", "Strategy"),
                names("Spring", null, "Placement"),
                names("Summer"),
                names(" ", null, null, null),
                Map.of())), 200);
        assertThat(across.<String>path("results[0].creativeId")).isEqualTo(a[3].toString());
        assertThat(across.<String>path("results[0].campaignId")).isEqualTo(a[0].toString());
        assertThat(across.<String>path("results[0].currency")).isEqualTo("EUR");
        assertThat(across.<String>path("results[1].creativeId")).isEqualTo(b[3].toString());
        assertThat(across.<String>path("results[1].currency")).isEqualTo("GBP");
        assertThat(across.<List<String>>path("results.unresolved")).containsExactly(null, null, "ambiguous", "invalid-key", "not-found",
                "invalid-key", "invalid-key");

        // within one account the same path is one entity
        var inAccount = resolve(SERVICE, orgId, request(second, false, List.of(names("Spring", "Strategy"))), 200);
        assertThat(inAccount.<String>path("results[0].insertionOrderId")).isEqualTo(b[1].toString());
        assertThat(inAccount.<String>path("results[0].lineItemId")).isNull();

        // a removed entity matches only where no live one does
        TestDatabase.execute("UPDATE campaign.insertion_orders SET status = 'removed', removed_at = now() WHERE id = ?", b[1]);
        var live = resolve(SERVICE, orgId, request(null, false, List.of(names("Spring", "Strategy"))), 200);
        assertThat(live.<String>path("results[0].insertionOrderId")).isEqualTo(a[1].toString());
    }

    @Test
    void unknownNamesPathsAreCreatedOnceAuditedAndAnnounced() throws Exception {
        UUID orgId = TestOrganizations.known("campaign", UUID.randomUUID());
        UUID accountId = account(orgId, "dv360", "EUR");
        UUID[] existing = hierarchy(orgId, accountId, "dv360", "c-" + orgId, new String[] {"Known", "Strategy", "Placement", "Banner"});
        EmittedEvents.Mark mark = EmittedEvents.mark();
        Map<String, Object> body = request(accountId, true, List.of(
                names("Known", "Strategy", "Placement", "Banner"),
                names("Known", "Strategy", "New placement", "New banner"),
                names("Fresh", "S1", "P1", "C1"),
                names("Fresh", "S1", "P1", "C2"),
                names("Fresh", "S1"),
                names("Fresh", null, "P1")));

        var created = resolve(SERVICE, orgId, body, 200);
        assertThat(created.<List<String>>path("results.unresolved")).containsExactly(null, null, null, null, null, "invalid-key");
        assertThat(created.<String>path("results[0].creativeId")).isEqualTo(existing[3].toString());
        assertThat(created.<String>path("results[1].insertionOrderId")).isEqualTo(existing[1].toString());
        assertThat(created.<String>path("results[1].lineItemId")).isNotEqualTo(existing[2].toString());
        assertThat(created.<String>path("results[2].lineItemId")).isEqualTo(created.<String>path("results[3].lineItemId"));
        assertThat(created.<String>path("results[2].creativeId")).isNotEqualTo(created.<String>path("results[3].creativeId"));
        assertThat(created.<String>path("results[4].insertionOrderId")).isEqualTo(created.<String>path("results[2].insertionOrderId"));
        assertThat(created.<String>path("results[2].currency")).isEqualTo("EUR");
        String fresh = created.path("results[2].campaignId");
        assertThat(TestDatabase.text("SELECT external_id FROM campaign.campaigns WHERE id = ?", UUID.fromString(fresh)))
                .startsWith("file:");
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.campaigns WHERE org_id = ?", orgId)).isEqualTo(2);
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.insertion_orders WHERE org_id = ?", orgId)).isEqualTo(2);
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.line_items WHERE org_id = ?", orgId)).isEqualTo(3);
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.creatives WHERE org_id = ?", orgId)).isEqualTo(4);
        // the new campaign is announced as a sync's would be, by the calling service
        var event = EmittedEvents.since(mark).inOrganization(orgId).single(CampaignCreated.TYPE, fresh);
        assertThat(event.actor()).isEqualTo("system:pipeline");
        assertThat(event.field("name")).isEqualTo("Fresh");
        // and the audit trail names the calling service as who made them
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.transaction_context WHERE actor = 'system:pipeline' "
                + "AND actor_name = ?", PIPELINE)).isPositive();

        // asked again: the same ids, nothing new
        var again = resolve(SERVICE, orgId, body, 200);
        assertThat(again.<List<String>>path("results.creativeId")).isEqualTo(created.<List<String>>path("results.creativeId"));
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.creatives WHERE org_id = ?", orgId)).isEqualTo(4);
        assertThat(EmittedEvents.since(mark).inOrganization(orgId).ofType(CampaignCreated.TYPE).events()).hasSize(1);
    }

    @Test
    void concurrentCreatorsOfOnePathShareOneRowPerLevel() throws Exception {
        UUID orgId = TestOrganizations.known("campaign", UUID.randomUUID());
        UUID accountId = account(orgId, "dv360", "EUR");
        List<Map<String, String>> keys = List.of(names("Race", "S", "P", "C"), names("Race", "S", "P2"), names("Race 2", "T"));
        List<Map<String, String>> reversed = new ArrayList<>(keys);
        Collections.reverse(reversed);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            // half of them list the keys the other way round: they still neither deadlock nor duplicate
            List<Callable<List<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                boolean backwards = i % 2 == 1;
                calls.add(() -> {
                    List<String> ids = new ArrayList<>(resolve(SERVICE, orgId, request(accountId, true, backwards ? reversed : keys), 200)
                            .<List<String>>path("results.lineItemId"));
                    if (backwards) {
                        Collections.reverse(ids);
                    }
                    return ids;
                });
            }
            List<List<String>> answers = new ArrayList<>();
            for (Future<List<String>> f : pool.invokeAll(calls)) {
                answers.add(f.get());
            }
            assertThat(answers).allSatisfy(a -> assertThat(a).isEqualTo(answers.get(0)));
            assertThat(answers.get(0).get(0)).isNotNull();
        } finally {
            pool.shutdownNow();
        }
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.campaigns WHERE org_id = ?", orgId)).isEqualTo(2);
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.insertion_orders WHERE org_id = ?", orgId)).isEqualTo(2);
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.line_items WHERE org_id = ?", orgId)).isEqualTo(2);
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.creatives WHERE org_id = ?", orgId)).isEqualTo(1);
    }

    @Test
    void badPagesAreRefusedAsAWhole() {
        UUID orgId = TestOrganizations.known("campaign", UUID.randomUUID());
        UUID accountId = account(orgId, "dv360", "EUR");
        List<Map<String, String>> tooMany = new ArrayList<>();
        for (int i = 0; i <= EntityResolutions.MAX_KEYS; i++) {
            tooMany.add(ext("campaign", "c" + i));
        }
        resolve(SERVICE, orgId, request(null, false, tooMany), 400);
        assertThat(resolve(SERVICE, orgId, request(null, true, List.of(names("A"))), 400)
                .<List<String>>path("errors.field")).contains("dspAccountId");
        resolve(SERVICE, orgId, request(null, false, List.of(ext("adgroup", "x"))), 400);
        // PostgreSQL text holds no NUL: the body is refused before anything is looked up, naming the field (not a 500
        // the pipeline would retry)
        assertThat(resolve(SERVICE, orgId, request(null, false, List.of(ext("campaign", "x\u0000y"))), 400)
                .<List<String>>path("errors.field")).containsExactly("keys[0].externalId");
        resolve(SERVICE, orgId, request(null, false, List.of(Map.of("level", "campaign", "externalId", "x", "campaign", "A"))), 400);
        // creating in a disabled account is refused; nothing is written
        TestDatabase.execute("UPDATE campaign.dsp_accounts SET is_active = false WHERE id = ?", accountId);
        resolve(SERVICE, orgId, request(accountId, true, List.of(names("A"))), 409);
        given().auth().oauth2(SERVICE).when().post(delegated(orgId, accountId)).then().statusCode(409)
                .body("type", equalTo("urn:clp:problem:dsp-account-disabled"));
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.campaigns WHERE org_id = ?", orgId)).isZero();
    }

    @Test
    void delegatedAccessIsShortLivedUncachedAndNeverLogged() {
        Dsp dsp = Dsp.fromLabel(System.getProperty("clp.test.dsp", "meta")).orElseThrow();
        UUID orgId = TestOrganizations.known("campaign", UUID.randomUUID());
        String admin = TestTokens.token(User.member(orgId, "admin"));
        Map<String, String> credentials = SimulatedDsps.credentials(dsp, connections.connector(dsp).credentialNames());
        String accountId = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("dspType", dsp.label(), "externalAccountId", SimulatedDsps.smallAccount(dsp),
                        "credentials", credentials, "rateLimit", Map.of("requestsPerSecond", 5)))
                .when().post("/api/v1/organizations/" + orgId + "/dsp-accounts").then().statusCode(201).extract().path("id");
        EmittedEvents.Mark mark = EmittedEvents.mark();

        ExtractableResponse<Response> minted = given().auth().oauth2(SERVICE)
                .when().post(delegated(orgId, UUID.fromString(accountId))).then().extract();
        Assumptions.assumeFalse(minted.statusCode() == 501, dsp.label() + "'s connector does not delegate access yet");
        assertThat(minted.statusCode()).isEqualTo(200);
        assertThat(minted.header("Cache-Control")).contains("no-store");
        assertThat(minted.<String>path("dsp")).isEqualTo(dsp.label());
        assertThat(minted.<String>path("externalAccountId")).isEqualTo(SimulatedDsps.smallAccount(dsp));
        assertThat(minted.<String>path("expiresAt")).isNotNull();
        assertThat(minted.<String>path("accountTimezone")).isNotBlank();
        assertThat(minted.<String>path("currency")).hasSize(3);
        Map<String, String> shortLived = minted.path("credentials");
        assertThat(shortLived).isNotEmpty();
        // the long-lived secrets stay here; the short-lived ones are in no log line and no event
        credentials.forEach((name, secret) -> {
            if (name.contains("refresh") || name.contains("secret") || name.contains("password")) {
                assertThat(minted.asString()).as(name).doesNotContain(secret);
            }
        });
        for (String value : shortLived.values()) {
            assertThat(logLines).noneMatch(line -> line.contains(value));
            assertThat(EmittedEvents.since(mark).payloads()).noneMatch(payload -> payload.contains(value));
        }
    }
}
