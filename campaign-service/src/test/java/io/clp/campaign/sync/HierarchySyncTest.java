package io.clp.campaign.sync;

import io.clp.campaign.SimulatedDsps;
import io.clp.campaign.account.AccountConnections;
import io.clp.dsp.Dsp;
import io.clp.dspsim.Fault;
import io.clp.dspsim.SimAccount;
import io.clp.dspsim.SimEntity;
import io.clp.events.campaign.CampaignChanged;
import io.clp.events.campaign.CampaignCreated;
import io.clp.events.campaign.CampaignRemoved;
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
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class HierarchySyncTest {

    private static final AtomicInteger ACCOUNTS = new AtomicInteger();
    private static final String[] TABLES = {"campaigns", "insertion_orders", "line_items", "creatives"};

    @Inject
    SyncEngine engine;

    @Inject
    SyncStore store;

    @Inject
    SyncSettings settings;

    @Inject
    Instance<AccountConnections> connections;

    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    @BeforeAll
    static void watchEvents() {
        EmittedEvents.start();
    }

    /** A fresh simulated account connected through the API by an admin of a new organization, as a user does. */
    private record Connected(UUID orgId, UUID accountId, SimAccount sim) {
    }

    /** A DV360 advertiser of 40 campaigns x 2 IOs x 3 line items x 2 creatives. */
    private static Connected connect() {
        return connect(Dsp.DV360, 40, 2, 3, 2, null);
    }

    private static Connected connect(int campaigns, int ios, int lineItems, int creatives) {
        return connect(Dsp.DV360, campaigns, ios, lineItems, creatives, null);
    }

    /**
     * Adds an account to the simulator, then connects it with the simulator's credentials through the account API:
     * the real connector, encrypted credentials and {@code DspAccountConnections} serve every sync below.
     */
    private static Connected connect(Dsp dsp, int campaigns, int ios, int lineItems, int creatives, Map<String, Object> rateLimit) {
        String digits = "77" + String.format("%05d", ACCOUNTS.incrementAndGet()) + (System.nanoTime() % 1000);
        String external = dsp == Dsp.META ? "act_" + digits : digits;
        SimAccount sim = SimulatedDsps.simulator().simulation().catalog()
                .add(dsp.label(), external, "Sync test " + external, "America/New_York", "USD", campaigns, ios, lineItems, creatives);
        UUID orgId = TestOrganizations.known("campaign", UUID.randomUUID());
        return new Connected(orgId, post(orgId, dsp, external, rateLimit), sim);
    }

    /** Connects the external account through the account API; the new CLP account's id. */
    private static UUID post(UUID orgId, Dsp dsp, String external, Map<String, Object> rateLimit) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dspType", dsp.label());
        body.put("externalAccountId", external);
        body.put("credentials", SimulatedDsps.credentials(dsp, credentialNames(dsp)));
        body.put("rateLimit", rateLimit == null ? Map.of("maxRetries", 1) : rateLimit);
        String id = given().auth().oauth2(TestTokens.token(User.member(orgId, "admin"))).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/organizations/" + orgId + "/dsp-accounts").then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    private static java.util.Set<String> credentialNames(Dsp dsp) {
        return switch (dsp) {
            case META -> java.util.Set.of("access_token");
            case DV360 -> java.util.Set.of("client_id", "client_secret", "refresh_token");
            default -> throw new IllegalArgumentException("not used here: " + dsp);
        };
    }

    /** Counts the account's listing calls the simulator answered (not token or account reads). */
    private static long listingCalls(Connected a) {
        return SimulatedDsps.simulator().simulation().log().of(null, a.sim().id()).stream()
                .filter(e -> e.path().matches(".*/(campaigns|insertionOrders|lineItems|creatives)")).count();
    }

    /** Waits (on another thread) until the account's running sync has written {@code pages} pages, then runs {@code then}. */
    private static CompletableFuture<Void> afterPages(Connected a, int pages, Runnable then) {
        return CompletableFuture.runAsync(() -> {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> TestDatabase.count(
                    "SELECT coalesce(max(pages), 0) FROM campaign.sync_runs WHERE dsp_account_id = ?", a.accountId()) >= pages);
            then.run();
        });
    }

    /** Makes the account due and runs its sync to the end on this engine; full forgets the watermark first. */
    private void sync(Connected a, boolean full) {
        syncWith(engine, a, full);
    }

    private static void syncWith(SyncEngine engine, Connected a, boolean full) {
        TestDatabase.execute("UPDATE campaign.dsp_accounts SET next_sync_at = now()"
                + (full ? ", sync_watermark = NULL" : "") + " WHERE id = ?", a.accountId());
        List<CompletableFuture<Void>> runs = engine.claimAndStart(a.accountId()).await().atMost(Duration.ofSeconds(30));
        assertThat(runs).hasSize(1);
        runs.forEach(CompletableFuture::join);
    }

    private static String lastRun(Connected a, String column) {
        return TestDatabase.text("SELECT " + column + "::text FROM campaign.sync_runs WHERE dsp_account_id = ? "
                + "ORDER BY created_at DESC LIMIT 1", a.accountId());
    }

    private static long count(Connected a, String table, String where) {
        return TestDatabase.count("SELECT count(*) FROM campaign." + table + " WHERE dsp_account_id = ? AND (" + where + ")", a.accountId());
    }

    private static long versions(Connected a) {
        long sum = 0;
        for (String table : TABLES) {
            sum += TestDatabase.count("SELECT coalesce(sum(sync_version), 0) FROM campaign." + table + " WHERE dsp_account_id = ?",
                    a.accountId());
        }
        return sum;
    }

    private static void assertMatchesSimulator(Connected a) {
        for (int level = 0; level < TABLES.length; level++) {
            List<SimEntity> expected = a.sim().entities(level).stream().filter(e -> !e.removed()).toList();
            assertThat(count(a, TABLES[level], "status <> 'removed'")).as(TABLES[level]).isEqualTo(expected.size());
            assertThat(count(a, TABLES[level], "true")).as("%s: no duplicates", TABLES[level])
                    .isEqualTo(a.sim().entities(level).size());
        }
        // parents resolved by external id
        assertThat(count(a, "insertion_orders", "campaign_id IS NULL")).isZero();
        assertThat(count(a, "line_items", "insertion_order_id IS NULL OR campaign_id IS NULL")).isZero();
        assertThat(count(a, "creatives", "line_item_id IS NULL OR campaign_id IS NULL")).isZero();
        SimEntity li = a.sim().entities(SimEntity.LINE_ITEM).get(7);
        assertThat(TestDatabase.text("SELECT i.external_id FROM campaign.line_items l JOIN campaign.insertion_orders i "
                + "ON i.id = l.insertion_order_id WHERE l.dsp_account_id = ? AND l.external_id = ?", a.accountId(), li.id()))
                .isEqualTo(li.parentId());
        // money and dates as the DSP gave them
        SimEntity campaign = a.sim().entities(SimEntity.CAMPAIGN).get(3);
        assertThat(new BigDecimal(TestDatabase.text("SELECT budget::text FROM campaign.campaigns WHERE dsp_account_id = ? "
                + "AND external_id = ?", a.accountId(), campaign.id()))).isEqualByComparingTo(campaign.budget());
        assertThat(TestDatabase.text("SELECT start_date || '/' || end_date || '/' || currency || '/' || name FROM campaign.campaigns "
                + "WHERE dsp_account_id = ? AND external_id = ?", a.accountId(), campaign.id()))
                .isEqualTo(campaign.startDate() + "/" + campaign.endDate() + "/USD/" + campaign.name());
    }

    @Test
    void aFullSyncEqualsTheSimulatorsHierarchyAndEmitsCampaignsCreated() {
        Connected a = connect();
        EmittedEvents.Mark mark = EmittedEvents.mark();

        sync(a, true);

        assertThat(lastRun(a, "status")).isEqualTo("succeeded");
        assertMatchesSimulator(a);
        assertThat(EmittedEvents.since(mark).inOrganization(a.orgId()).ofType(CampaignCreated.TYPE).size()).isEqualTo(40);
        assertThat(TestDatabase.text("SELECT last_sync_status FROM campaign.dsp_accounts WHERE id = ?", a.accountId()))
                .isEqualTo("succeeded");
        assertThat(lastRun(a, "counts->'LINE_ITEM'->>'created'")).isEqualTo("240");
    }

    @Test
    void aFullSyncOfAMetaAdAccountEqualsTheSimulatorsHierarchy() {
        Connected a = connect(Dsp.META, 40, 2, 3, 2, null);

        sync(a, true);

        assertThat(lastRun(a, "status")).isEqualTo("succeeded");
        assertMatchesSimulator(a);
    }

    @Test
    void aSecondFullSyncChangesNothingAndEmitsNothing() {
        Connected a = connect();
        sync(a, true);
        long versions = versions(a);
        String updated = TestDatabase.text("SELECT max(updated_at)::text FROM campaign.line_items WHERE dsp_account_id = ?", a.accountId());
        EmittedEvents.Mark mark = EmittedEvents.mark();

        sync(a, true);

        assertThat(lastRun(a, "status")).isEqualTo("succeeded");
        assertThat(lastRun(a, "kind")).isEqualTo("full");
        assertThat(versions(a)).isEqualTo(versions);
        assertThat(TestDatabase.text("SELECT max(updated_at)::text FROM campaign.line_items WHERE dsp_account_id = ?", a.accountId()))
                .isEqualTo(updated);
        EmittedEvents.since(mark).inOrganization(a.orgId()).none();
        assertMatchesSimulator(a);
    }

    @Test
    void anIncrementalSyncAfterChangesAtTheDspUpdatesExactlyThose() {
        Connected a = connect();
        sync(a, true);
        long versions = versions(a);
        List<String> renamed = a.sim().rename(SimEntity.CAMPAIGN, 3, Instant.now()).stream().distinct().toList();
        List<String> added = a.sim().addCampaigns(2, Instant.now());
        EmittedEvents.Mark mark = EmittedEvents.mark();

        sync(a, false);

        assertThat(lastRun(a, "kind")).isEqualTo("incremental");
        assertThat(lastRun(a, "status")).isEqualTo("succeeded");
        var events = EmittedEvents.since(mark).inOrganization(a.orgId());
        List<String> changedIds = events.ofType(CampaignChanged.TYPE).events().stream()
                .map(e -> e.payload().path("externalId").asText()).toList();
        assertThat(changedIds).containsExactlyInAnyOrderElementsOf(renamed);
        events.ofType(CampaignChanged.TYPE).events().forEach(e ->
                assertThat(e.payload().path("changedFields").toString()).isEqualTo("[\"name\"]"));
        // DV360 lists no deleted object: an incremental sync cannot see a deletion, the next full sync marks it
        assertThat(events.ofType(CampaignRemoved.TYPE).size()).isZero();
        assertThat(events.ofType(CampaignCreated.TYPE).events().stream().map(e -> e.payload().path("externalId").asText()).toList())
                .containsExactlyInAnyOrderElementsOf(added);
        // only those rows moved: the renamed campaigns once each, plus the added subtrees created
        assertThat(versions(a)).isEqualTo(versions + renamed.size() + (long) added.size() * (1 + 2 + 6 + 12));
        assertMatchesSimulator(a);
    }

    @Test
    void aCampaignRemovedAtTheDspIsMarkedByTheNextFullSync() {
        Connected a = connect();
        sync(a, true);
        List<String> removed = a.sim().remove(SimEntity.CAMPAIGN, 2, Instant.now()).stream().distinct().toList();
        EmittedEvents.Mark mark = EmittedEvents.mark();

        sync(a, true);

        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.campaigns WHERE dsp_account_id = ? AND status = 'removed' "
                + "AND removed_at IS NOT NULL AND NOT is_active", a.accountId())).isEqualTo(removed.size());
        assertThat(count(a, "campaigns", "true")).isEqualTo(40);
        assertThat(EmittedEvents.since(mark).inOrganization(a.orgId()).ofType(CampaignRemoved.TYPE).events().stream()
                .map(e -> e.payload().path("externalId").asText()).toList()).containsExactlyInAnyOrderElementsOf(removed);
        assertThat(lastRun(a, "counts->'CAMPAIGN'->>'removed'")).isEqualTo(String.valueOf(removed.size()));
    }

    @Test
    void a429StormFailsTheRunTransientlyAndTheNextRunResumesFromItsCheckpoint() {
        // 12 pages of 200 at 5 calls a second; the DSP throttles more often than the account retries (1)
        Connected a = connect(Dsp.DV360, 400, 1, 2, 1, Map.of("requestsPerSecond", 5, "maxRetries", 1));
        var storm = afterPages(a, 3, () -> SimulatedDsps.simulator().simulation().faults()
                .arm("dv360", a.sim().id(), new Fault(Fault.Type.THROTTLE, 2, 1, 0)));

        sync(a, true);
        storm.join();

        assertThat(lastRun(a, "status")).isEqualTo("failed");
        assertThat(lastRun(a, "retryable")).isEqualTo("true");
        String checkpoint = lastRun(a, "checkpoint");
        // the checkpoint names the level the storm stopped in (and its page token, unless it stopped on the level's first page)
        assertThat(checkpoint).containsAnyOf("INSERTION_ORDER", "LINE_ITEM", "CREATIVE");
        assertThat(TestDatabase.text("SELECT last_sync_status || ' ' || (next_sync_at > now()) || ' ' || sync_blocked "
                + "FROM campaign.dsp_accounts WHERE id = ?", a.accountId())).isEqualTo("failed true false");
        long written = count(a, "line_items", "true") + count(a, "insertion_orders", "true") + count(a, "campaigns", "true");
        assertThat(written).isPositive();
        long before = listingCalls(a);

        sync(a, false);

        assertThat(lastRun(a, "status")).isEqualTo("succeeded");
        assertThat(lastRun(a, "attempt")).isEqualTo("2");
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.sync_runs WHERE dsp_account_id = ?", a.accountId())).isOne();
        // the resumed attempt read on from the checkpoint's page: fewer listing calls than the 12 pages of a whole run
        assertThat(listingCalls(a) - before).isBetween(1L, 11L);
        assertMatchesSimulator(a);
    }

    @Test
    void twoEnginesRacingForOneAccountOnlyOneHoldsTheLease() throws Exception {
        Connected a = connect();
        SyncEngine other = new SyncEngine(store, connections, settings, "other-instance");
        TestDatabase.execute("UPDATE campaign.dsp_accounts SET next_sync_at = now() WHERE id = ?", a.accountId());

        var mine = CompletableFuture.supplyAsync(() -> engine.claimAndStart(a.accountId()).await().indefinitely());
        var theirs = CompletableFuture.supplyAsync(() -> other.claimAndStart(a.accountId()).await().indefinitely());

        List<CompletableFuture<Void>> started = new java.util.ArrayList<>(mine.get());
        started.addAll(theirs.get());
        assertThat(started).hasSize(1);
        started.forEach(CompletableFuture::join);
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.sync_runs WHERE dsp_account_id = ?", a.accountId())).isOne();
        assertMatchesSimulator(a);
    }

    @Test
    void aRunWhoseLeaseExpiredWhileRunningIsResumedByAnotherInstance() {
        Connected a = connect(Dsp.DV360, 400, 1, 2, 1, Map.of("requestsPerSecond", 5, "maxRetries", 1));
        SyncEngine dead = new SyncEngine(store, connections, settings, "dead-instance");
        // the dead instance wrote a few pages, then stopped renewing its lease
        TestDatabase.execute("UPDATE campaign.dsp_accounts SET next_sync_at = now() WHERE id = ?", a.accountId());
        var expire = afterPages(a, 2, () -> TestDatabase.execute("UPDATE campaign.dsp_accounts SET sync_lease_until = now() "
                + "- interval '1 second', sync_lease_owner = 'dead-instance' WHERE id = ?", a.accountId()));
        dead.claimAndStart(a.accountId()).await().indefinitely().forEach(CompletableFuture::join);
        expire.join();
        assertThat(lastRun(a, "status")).isEqualTo("running");

        syncWith(engine, a, false);

        assertThat(lastRun(a, "status")).isEqualTo("succeeded");
        assertThat(lastRun(a, "kind")).isEqualTo("full");
        assertThat(lastRun(a, "attempt")).isEqualTo("2");
        assertMatchesSimulator(a);
    }

    @Test
    void onDemandSyncAnswers202WithTheRunWhoseProgressIsReadable() {
        Connected a = connect();
        String admin = TestTokens.token(User.member(a.orgId(), "admin"));
        String base = "/api/v1/organizations/" + a.orgId() + "/dsp-accounts/" + a.accountId();

        Response accepted = given().auth().oauth2(admin).when().post(base + "/sync?kind=full");

        assertThat(accepted.statusCode()).isEqualTo(202);
        String runId = accepted.path("id");
        assertThat(accepted.header("Location")).endsWith(base + "/sync-runs/" + runId);
        await().atMost(Duration.ofSeconds(60)).until(() -> "succeeded".equals(
                given().auth().oauth2(admin).when().get(base + "/sync-runs/" + runId).then().statusCode(200).extract().path("status")));
        Response run = given().auth().oauth2(admin).when().get(base + "/sync-runs/" + runId);
        assertThat(run.<Integer>path("counts.CAMPAIGN.created")).isEqualTo(40);
        assertThat(run.<Integer>path("pages")).isPositive();
        assertThat(given().auth().oauth2(admin).when().get(base + "/sync-runs").then().statusCode(200)
                .extract().<List<String>>path("items.id")).containsExactly(runId);
        String viewer = TestTokens.token(User.member(a.orgId(), "viewer"));
        assertThat(given().auth().oauth2(viewer).when().post(base + "/sync").statusCode()).isEqualTo(403);
        assertMatchesSimulator(a);
    }

    private static long secondsFromLastSyncToNext(Connected a) {
        return TestDatabase.count("SELECT extract(epoch FROM next_sync_at - last_sync_at)::bigint FROM campaign.dsp_accounts "
                + "WHERE id = ?", a.accountId());
    }

    @Test
    void theNextRunComesAfterTheIntervalTheAccountApiSets() {
        Connected a = connect(2, 1, 1, 1);
        String admin = TestTokens.token(User.member(a.orgId(), "admin"));
        String account = "/api/v1/organizations/" + a.orgId() + "/dsp-accounts/" + a.accountId();
        given().auth().oauth2(admin).contentType("application/json").body("{\"syncIntervalMinutes\": 15}")
                .when().patch(account).then().statusCode(200);

        sync(a, true);

        assertThat(secondsFromLastSyncToNext(a)).isBetween(15 * 60L - 5, 15 * 60L + 5);
        // a changed interval reschedules the account at once, counted from its last run
        given().auth().oauth2(admin).contentType("application/json").body("{\"syncIntervalMinutes\": 240}")
                .when().patch(account).then().statusCode(200);
        assertThat(secondsFromLastSyncToNext(a)).isEqualTo(240 * 60L);
        // without an interval of its own an account runs every clp.sync.default-interval
        Connected b = connect(2, 1, 1, 1);
        sync(b, true);
        assertThat(secondsFromLastSyncToNext(b)).isBetween(settings.defaultInterval().toSeconds() - 5,
                settings.defaultInterval().toSeconds() + 5);
    }

    @Test
    void aDeletedAccountsHierarchyReattachesToItsReconnection() {
        Connected a = connect();
        sync(a, true);
        String admin = TestTokens.token(User.member(a.orgId(), "admin"));
        given().auth().oauth2(admin).when().delete("/api/v1/organizations/" + a.orgId() + "/dsp-accounts/" + a.accountId())
                .then().statusCode(204);
        for (String table : TABLES) {
            // kept and detached at every level, none left naming the deleted account
            assertThat(TestDatabase.count("SELECT count(*) FROM campaign." + table + " WHERE dsp_account_id = ?", a.accountId()))
                    .as("%s: rows still naming the deleted account", table).isZero();
            assertThat(TestDatabase.count("SELECT count(*) FROM campaign." + table + " WHERE org_id = ? AND dsp_account_id IS NULL",
                    a.orgId())).as("%s: detached rows", table).isPositive();
        }
        Connected again = new Connected(a.orgId(), post(a.orgId(), Dsp.DV360, a.sim().id(), null), a.sim());

        sync(again, true);

        assertThat(lastRun(again, "status")).isEqualTo("succeeded");
        for (String table : TABLES) {
            assertThat(TestDatabase.count("SELECT count(*) FROM campaign." + table + " WHERE org_id = ? AND dsp_account_id IS NULL",
                    a.orgId())).as("%s: orphaned rows", table).isZero();
        }
        assertMatchesSimulator(again);
    }

    @Test
    void aDeletedCampaignTakesItsLineItemsAndLeavesItsCreativesDetached() {
        Connected a = connect();
        sync(a, true);
        String campaignId = TestDatabase.text("SELECT c.id::text FROM campaign.campaigns c WHERE c.org_id = ? AND EXISTS "
                + "(SELECT 1 FROM campaign.creatives k WHERE k.campaign_id = c.id) ORDER BY c.external_id LIMIT 1", a.orgId());
        long creatives = TestDatabase.count("SELECT count(*) FROM campaign.creatives WHERE campaign_id = ?::uuid", campaignId);

        TestDatabase.execute("DELETE FROM campaign.campaigns WHERE id = ?::uuid", campaignId);

        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.insertion_orders WHERE campaign_id = ?::uuid", campaignId)).isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.line_items WHERE campaign_id = ?::uuid", campaignId)).isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.creatives WHERE campaign_id = ?::uuid", campaignId)).isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.creatives WHERE org_id = ? AND campaign_id IS NULL", a.orgId()))
                .isEqualTo(creatives);
    }

    @Test
    void rowsAreNumberedInTheOrderTheyWereWritten() {
        Connected a = connect();
        sync(a, true);
        for (String table : TABLES) {
            // version 7 ids: the creation order is the id order, so every index on an id is appended to
            assertThat(TestDatabase.count("SELECT count(*) FROM campaign." + table + " WHERE org_id = ? AND "
                    + "substr(id::text, 15, 1) <> '7'", a.orgId())).as("%s: ids not version 7", table).isZero();
            // the id's first 48 bits are the Unix milliseconds it was made at: within the row's transaction
            assertThat(TestDatabase.count("SELECT count(*) FROM campaign." + table + " WHERE org_id = ? AND abs(('x' || "
                    + "substr(replace(id::text, '-', ''), 1, 12))::bit(48)::bigint - (extract(epoch FROM created_at) * 1000)::bigint) "
                    + "> 60000", a.orgId()))
                    .as("%s: ids not made when the row was", table).isZero();
        }
    }

    @Test
    void disablingTheAccountMidRunStopsItsPageWritesAndCancelsTheRun() {
        Connected a = connect(Dsp.DV360, 400, 1, 2, 1, Map.of("requestsPerSecond", 5, "maxRetries", 1));
        String admin = TestTokens.token(User.member(a.orgId(), "admin"));
        long[] pagesAtDisable = new long[1];
        var disable = afterPages(a, 2, () -> {
            given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("active", false))
                    .when().patch("/api/v1/organizations/" + a.orgId() + "/dsp-accounts/" + a.accountId()).then().statusCode(200);
            pagesAtDisable[0] = TestDatabase.count("SELECT max(pages) FROM campaign.sync_runs WHERE dsp_account_id = ?", a.accountId());
        });

        sync(a, true);
        disable.join();

        assertThat(lastRun(a, "status")).isEqualTo("cancelled");
        assertThat(lastRun(a, "pages")).isEqualTo(String.valueOf(pagesAtDisable[0]));
        assertThat(TestDatabase.text("SELECT sync_blocked || ' ' || (sync_lease_owner IS NULL) FROM campaign.dsp_accounts WHERE id = ?",
                a.accountId())).isEqualTo("false true");
    }

    @Test
    void anAccountWithoutCredentialsIsBlockedWithAnErrorNamingOnlyIds() {
        Connected a = connect(2, 1, 1, 1);
        TestDatabase.execute("DELETE FROM campaign.dsp_account_credentials WHERE account_id = ?", a.accountId());

        sync(a, true);

        assertThat(lastRun(a, "status")).isEqualTo("failed");
        assertThat(lastRun(a, "retryable")).isEqualTo("false");
        assertThat(TestDatabase.text("SELECT sync_blocked || ' ' || sync_error FROM campaign.dsp_accounts WHERE id = ?", a.accountId()))
                .isEqualTo("true credentials unavailable: DSP account " + a.accountId() + " has no credentials");
    }

    @Test
    void aRunThatCannotBeginIsPostponedByTheBackoff() {
        Connected a = connect(2, 1, 1, 1);
        SyncStore broken = new SyncStore(pool, settings) {
            @Override
            Uni<Claim> begin(UUID accountId, String owner, Duration fullEvery, Duration overlap) {
                return Uni.createFrom().failure(new IllegalStateException("the run cannot begin"));
            }
        };
        SyncEngine failing = new SyncEngine(broken, connections, settings, "begin-fails");

        syncWith(failing, a, true);

        assertThat(TestDatabase.text("SELECT (next_sync_at > now() + interval '1 second') || ' ' || (sync_lease_owner IS NULL) || ' ' "
                + "|| sync_failures FROM campaign.dsp_accounts WHERE id = ?", a.accountId())).isEqualTo("true true 1");
        assertThat(failing.claimAndStart(a.accountId()).await().atMost(Duration.ofSeconds(30))).isEmpty();
    }

    /** The service's settings but for the lease and the write batch. */
    private SyncSettings settings(Duration lease, int writeBatch) {
        return new SyncSettings() {
            public Optional<String> instanceId() { return Optional.empty(); }
            public String pollEvery() { return settings.pollEvery(); }
            public String pollDelay() { return settings.pollDelay(); }
            public Duration lease() { return lease; }
            public int maxConcurrent() { return settings.maxConcurrent(); }
            public Duration defaultInterval() { return settings.defaultInterval(); }
            public Duration fullEvery() { return settings.fullEvery(); }
            public Duration overlap() { return settings.overlap(); }
            public Duration backoffBase() { return settings.backoffBase(); }
            public Duration backoffMax() { return settings.backoffMax(); }
            public int writeBatch() { return writeBatch; }
        };
    }

    @Test
    void smallPagesAreGatheredIntoBatchesOfAtLeastTheWriteBatchAndALevelsLastPageEndsOne() {
        // DV360 lists 200 a page: 40 campaigns, 80 IOs, 240 line items (200 + 40), 480 creatives (200 + 200 + 80)
        Connected a = connect(40, 2, 3, 2);
        SyncSettings batched = settings(settings.lease(), 300);
        List<String> writes = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        List<String> checkpoints = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        SyncStore recording = new SyncStore(pool, batched) {
            @Override
            Uni<Written> writeBatch(Claim claim, String owner, io.clp.dsp.EntityLevel level, List<io.clp.dsp.DspEntity> entities,
                                    io.vertx.core.json.JsonObject checkpoint, io.vertx.core.json.JsonObject counts, int pages,
                                    long dspWaitMs, long writeMs) {
                writes.add(level + " " + entities.size());
                checkpoints.add(checkpoint.getString("level") + (checkpoint.containsKey("pageToken") ? " +token" : ""));
                return super.writeBatch(claim, owner, level, entities, checkpoint, counts, pages, dspWaitMs, writeMs);
            }
        };

        syncWith(new SyncEngine(recording, connections, batched, "batched"), a, true);

        assertThat(writes).containsExactly("CAMPAIGN 40", "INSERTION_ORDER 80", "LINE_ITEM 240", "CREATIVE 400", "CREATIVE 80");
        // a batch's checkpoint is where the next batch starts: the next level, or the page after the batch
        assertThat(checkpoints).containsExactly("INSERTION_ORDER", "LINE_ITEM", "CREATIVE", "CREATIVE +token", "DONE");
        assertThat(lastRun(a, "status")).isEqualTo("succeeded");
        assertThat(lastRun(a, "pages")).isEqualTo("7");
        assertMatchesSimulator(a);
    }

    @Test
    void pagesGatheredWhenTheDspFailsAreWrittenAndTheRetryResumesAtTheFailedPage() {
        // 600 campaigns in three pages of 200 at 5 calls a second; the batch (1000) would only close at the level's end
        Connected a = connect(Dsp.DV360, 600, 1, 1, 1, Map.of("requestsPerSecond", 5, "maxRetries", 1));
        SyncSettings batched = settings(settings.lease(), 1000);
        SyncEngine batching = new SyncEngine(store, connections, batched, "batching");
        var outage = CompletableFuture.runAsync(() -> {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> listingCalls(a) >= 1);
            SimulatedDsps.simulator().simulation().faults().arm("dv360", a.sim().id(), new Fault(Fault.Type.SERVER_ERROR, 2, 0, 0));
        });

        syncWith(batching, a, true);
        outage.join();

        assertThat(lastRun(a, "status")).isEqualTo("failed");
        assertThat(lastRun(a, "retryable")).isEqualTo("true");
        // the pages listed before the failure were kept, and the checkpoint is the page that failed
        long kept = count(a, "campaigns", "true");
        assertThat(kept).isIn(200L, 400L);
        assertThat(lastRun(a, "checkpoint")).contains("\"level\": \"CAMPAIGN\"").contains("pageToken");
        assertThat(lastRun(a, "counts")).contains("\"seen\": " + kept);
        long before = listingCalls(a);

        syncWith(batching, a, false);

        assertThat(lastRun(a, "status")).isEqualTo("succeeded");
        assertThat(lastRun(a, "attempt")).isEqualTo("2");
        // the retry listed the campaigns from the failed page on, then one page per lower level
        assertThat(listingCalls(a) - before).isEqualTo((600 - kept) / 200 + 3 * 3);
        assertMatchesSimulator(a);
    }

    @Test
    void aHeartbeatThatFailsOnceKeepsRenewingTheLease() {
        // about 20 pages at 5 calls a second: longer than the 2 s lease, so the run needs renewals after the failed one
        Connected a = connect(Dsp.DV360, 800, 1, 2, 1, Map.of("requestsPerSecond", 5, "maxRetries", 1));
        SyncSettings shortLease = settings(Duration.ofSeconds(2), settings.writeBatch());
        AtomicInteger beats = new AtomicInteger();
        SyncStore flaky = new SyncStore(pool, shortLease) {
            @Override
            Uni<Beat> heartbeat(Claim claim, String owner, Duration lease) {
                if (beats.getAndIncrement() == 0) {
                    return Uni.createFrom().failure(new IllegalStateException("connection reset"));
                }
                return super.heartbeat(claim, owner, lease);
            }
        };

        syncWith(new SyncEngine(flaky, connections, shortLease, "flaky-heartbeat"), a, true);

        assertThat(beats.get()).isGreaterThan(2);
        assertThat(lastRun(a, "status")).isEqualTo("succeeded");
        assertMatchesSimulator(a);
    }

    @Test
    void aHeartbeatChangesNothingTheAuditTrailCapturesAndRecordsNoTransactionContext() {
        // it writes only what change data capture leaves out (the lease, heartbeat_at), so it has nothing to attribute
        Connected a = connect(40, 1, 1, 1);
        sync(a, true);
        String runId = TestDatabase.text("INSERT INTO campaign.sync_runs (org_id, dsp_account_id, kind, trigger, status, started_at, "
                + "heartbeat_at) VALUES (?, ?, 'full', 'scheduled', 'running', now(), now() - interval '1 minute') RETURNING id::text",
                a.orgId(), a.accountId());
        try {
            TestDatabase.execute("UPDATE campaign.dsp_accounts SET sync_lease_owner = 'beating', "
                    + "sync_lease_until = now() + interval '1 minute' WHERE id = ?", a.accountId());
            String account = "SELECT updated_at::text FROM campaign.dsp_accounts WHERE id = ?";
            String run = "SELECT status || ' ' || coalesce(final_counts::text, '-') || ' ' || heartbeat_at::text FROM campaign.sync_runs WHERE id = ?::uuid";
            String accountBefore = TestDatabase.text(account, a.accountId());
            String runBefore = TestDatabase.text(run, runId);
            OffsetDateTime credentials = OffsetDateTime.parse(TestDatabase.text(
                    "SELECT to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
                            + "FROM campaign.dsp_account_credentials WHERE account_id = ?", a.accountId()));
            SyncStore.Claim claim = new SyncStore.Claim(a.accountId(), a.orgId(), "dv360", UUID.fromString(runId), true, null,
                    Instant.now(), new io.vertx.core.json.JsonObject(), new io.vertx.core.json.JsonObject(), 0, 0, 0, credentials);

            SyncStore.Beat beat = store.heartbeat(claim, "beating", Duration.ofMinutes(1)).await().indefinitely();

            assertThat(beat).isEqualTo(SyncStore.Beat.RENEWED);
            assertThat(TestDatabase.text(account, a.accountId())).as("the account's updated_at (captured)").isEqualTo(accountBefore);
            String runAfter = TestDatabase.text(run, runId);
            assertThat(runAfter).as("the run still running, no final counts, its heartbeat moved").startsWith("running - ")
                    .isNotEqualTo(runBefore);
            // the heartbeat's transaction is the one that last wrote the account's row
            assertThat(TestDatabase.count("SELECT count(*) FROM campaign.transaction_context WHERE tx_id = "
                    + "(SELECT xmin::text::bigint FROM campaign.dsp_accounts WHERE id = ?)", a.accountId())).isZero();
        } finally {
            TestDatabase.execute("DELETE FROM campaign.sync_runs WHERE id = ?::uuid", runId);
            TestDatabase.execute("UPDATE campaign.dsp_accounts SET sync_lease_owner = NULL, sync_lease_until = NULL WHERE id = ?",
                    a.accountId());
        }
    }

    @Test
    void claimingADueAccountWritesOnlyItsLeaseAndRecordsNoTransactionContext() {
        // a poll runs every few seconds on every instance: a context per poll would keep the audit trail busy on an idle stack
        Connected a = connect(40, 1, 1, 1);
        String account = "SELECT updated_at::text FROM campaign.dsp_accounts WHERE id = ?";
        TestDatabase.execute("UPDATE campaign.dsp_accounts SET next_sync_at = now() - interval '1 minute' WHERE id = ?", a.accountId());
        String before = TestDatabase.text(account, a.accountId());
        try {
            List<UUID> claimed = store.claimDue("claimer", Duration.ofMinutes(1), 4, a.accountId()).await().indefinitely();

            assertThat(claimed).containsExactly(a.accountId());
            assertThat(TestDatabase.text("SELECT sync_lease_owner FROM campaign.dsp_accounts WHERE id = ?", a.accountId()))
                    .isEqualTo("claimer");
            assertThat(TestDatabase.text(account, a.accountId())).as("the account's updated_at (captured)").isEqualTo(before);
            // the claim's transaction is the one that last wrote the account's row
            assertThat(TestDatabase.count("SELECT count(*) FROM campaign.transaction_context WHERE tx_id = "
                    + "(SELECT xmin::text::bigint FROM campaign.dsp_accounts WHERE id = ?)", a.accountId())).isZero();
        } finally {
            TestDatabase.execute("UPDATE campaign.dsp_accounts SET sync_lease_owner = NULL, sync_lease_until = NULL, "
                    + "next_sync_at = now() + interval '1 hour' WHERE id = ?", a.accountId());
        }
    }

    @Test
    void aResumedRunWhoseSavedPageTokenIsRejectedRestartsThatLevel() {
        Connected a = connect(40, 2, 3, 2);
        // an earlier attempt failed transiently; its page token has expired at the DSP since
        TestDatabase.execute("INSERT INTO campaign.sync_runs (org_id, dsp_account_id, kind, trigger, status, started_at, heartbeat_at, "
                + "retryable, checkpoint) VALUES (?, ?, 'full', 'scheduled', 'failed', now(), now(), true, "
                + "'{\"level\": \"CAMPAIGN\", \"pageToken\": \"expired-token\"}'::jsonb)", a.orgId(), a.accountId());

        sync(a, true);

        assertThat(lastRun(a, "status")).isEqualTo("succeeded");
        assertThat(lastRun(a, "attempt")).isEqualTo("2");
        assertThat(TestDatabase.text("SELECT sync_blocked::text FROM campaign.dsp_accounts WHERE id = ?", a.accountId())).isEqualTo("false");
        assertMatchesSimulator(a);
    }
}
