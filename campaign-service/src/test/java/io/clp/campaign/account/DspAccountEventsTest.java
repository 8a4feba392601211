package io.clp.campaign.account;

import com.fasterxml.jackson.databind.JsonNode;
import io.clp.campaign.SimulatedDsps;
import io.clp.dspsim.Catalog;
import io.clp.events.campaign.DspAccountConnected;
import io.clp.events.campaign.DspAccountDeleted;
import io.clp.events.campaign.DspAccountUpdated;
import io.clp.testing.Emitted;
import io.clp.testing.EmittedEvent;
import io.clp.testing.EmittedEvents;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestOrganizations;
import io.clp.testing.TestPostgres;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each change of a DSP account publishes exactly one {@code io.clp.dsp-account.*} event through the outbox, in the
 * transaction that writes the row: a change that is refused, or whose transaction fails as it commits, publishes none.
 * Events are read from the WAL as the relay reads them ({@link EmittedEvents}).
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class DspAccountEventsTest {

    /** The payload's properties: the account's public state, nothing else (no credentials, no sync status or error). */
    private static final List<String> STATE = List.of("id", "organizationId", "dspType", "externalAccountId", "displayName",
            "accountTimezone", "currency", "active", "rateLimit", "syncIntervalMinutes", "updatedAt");
    /** The properties always there (the service's JSON leaves a null out). */
    private static final List<String> REQUIRED = List.of("id", "organizationId", "dspType", "externalAccountId",
            "accountTimezone", "currency", "active", "updatedAt");

    private record Org(UUID id, User admin, String token, String base) {

        static Org known() {
            UUID orgId = UUID.randomUUID();
            TestOrganizations.known("campaign", orgId);
            User admin = User.member(orgId, "admin");
            return new Org(orgId, admin, TestTokens.token(admin), "/api/v1/organizations/" + orgId + "/dsp-accounts");
        }

        Emitted since(EmittedEvents.Mark mark) {
            return EmittedEvents.since(mark).inOrganization(id);
        }

        ExtractableResponse<Response> connect(Map<String, Object> body, int status) {
            return given().auth().oauth2(token).contentType(ContentType.JSON).body(body).when().post(base).then().statusCode(status).extract();
        }

        ExtractableResponse<Response> patch(String accountId, Map<String, Object> body, int status) {
            return given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                    .when().patch(base + "/" + accountId).then().statusCode(status).extract();
        }
    }

    private static Map<String, Object> meta(String account, String token) {
        return new HashMap<>(Map.of("dspType", "meta", "externalAccountId", account, "credentials", Map.of("access_token", token)));
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The event's payload holds the account as the API shows it after the change. */
    private static void carriesTheAccount(EmittedEvent event, ExtractableResponse<Response> view, UUID orgId) {
        assertThat(event.field("id")).isEqualTo(view.<String>path("id"));
        assertThat(event.field("organizationId")).isEqualTo(orgId.toString());
        assertThat(event.field("dspType")).isEqualTo(view.<String>path("dspType"));
        assertThat(event.field("externalAccountId")).isEqualTo(view.<String>path("externalAccountId"));
        assertThat(event.field("displayName")).isEqualTo(view.<String>path("displayName"));
        assertThat(event.field("accountTimezone")).isEqualTo(view.<String>path("accountTimezone"));
        assertThat(event.field("currency")).isEqualTo(view.<String>path("currency"));
        assertThat(event.payload().path("active").asBoolean()).isEqualTo(view.<Boolean>path("active"));
        JsonNode interval = event.payload().path("syncIntervalMinutes");
        assertThat(interval.isMissingNode() || interval.isNull() ? null : interval.asInt())
                .isEqualTo(view.<Integer>path("syncIntervalMinutes"));
        assertThat(event.field("updatedAt")).isEqualTo(view.<String>path("updatedAt"));
    }

    @Test
    void connectingPublishesOneConnectedEventWithTheAccountsPublicStateOnly() {
        Org org = Org.known();
        EmittedEvents.Mark mark = EmittedEvents.mark();
        Map<String, Object> body = meta("act_2000001", Catalog.META_TOKEN);
        body.put("rateLimit", Map.of("requestsPerSecond", 5));
        body.put("syncIntervalMinutes", 60);

        ExtractableResponse<Response> connected = org.connect(body, 201);

        String accountId = connected.path("id");
        EmittedEvent event = org.since(mark).single();
        assertThat(event.type()).isEqualTo(DspAccountConnected.TYPE).isEqualTo("io.clp.dsp-account.connected.v1");
        assertThat(event.aggregateType()).isEqualTo("dsp-account");
        assertThat(event.aggregateId()).isEqualTo(accountId);
        event.hasHeaders("campaign", "dsp-accounts/" + accountId, org.id(), "user:" + org.admin().id());
        assertThat(names(event.payload())).containsExactlyInAnyOrderElementsOf(STATE);
        carriesTheAccount(event, connected, org.id());
        assertThat(event.field("displayName")).isEqualTo("Acme Retail Meta");
        assertThat(event.field("accountTimezone")).isEqualTo("America/Chicago");
        assertThat(event.field("currency")).isEqualTo("USD");
        assertThat(event.field("dspType")).isEqualTo("meta");
        assertThat(event.payload().path("rateLimit").path("requestsPerSecond").asDouble()).isEqualTo(5.0);
        assertThat(names(event.payload().path("rateLimit"))).containsExactly("requestsPerSecond");
        assertThat(event.field("syncIntervalMinutes")).isEqualTo("60");
    }

    @Test
    void eachChangePublishesOneUpdatedEventNamingWhatChangedAndAChangeOfNothingPublishesNone() {
        Org org = Org.known();
        String accountId = org.connect(meta("act_2000001", Catalog.META_TOKEN), 201).path("id");

        record Step(Map<String, Object> patch, List<String> changed, boolean rotated) {
        }
        List<Step> steps = List.of(
                new Step(Map.of("displayName", "Retail (Meta)"), List.of("displayName"), false),
                new Step(Map.of("active", false), List.of("active"), false),
                new Step(Map.of("active", true), List.of("active"), false),
                new Step(Map.of("rateLimit", Map.of("requestsPerSecond", 2, "maxRetries", 3), "syncIntervalMinutes", 30),
                        List.of("rateLimit", "syncIntervalMinutes"), false),
                new Step(Map.of("credentials", Map.of("access_token", Catalog.META_TOKEN)), List.of(), true),
                new Step(Map.of("displayName", "Renamed", "credentials", Map.of("access_token", Catalog.META_TOKEN)),
                        List.of("displayName"), true));
        for (Step step : steps) {
            EmittedEvents.Mark mark = EmittedEvents.mark();
            ExtractableResponse<Response> view = org.patch(accountId, step.patch(), 200);

            EmittedEvent event = org.since(mark).single();
            assertThat(event.type()).as("after %s", step.patch()).isEqualTo(DspAccountUpdated.TYPE);
            event.hasHeaders("campaign", "dsp-accounts/" + accountId, org.id(), "user:" + org.admin().id());
            List<String> properties = new ArrayList<>(STATE);
            properties.addAll(List.of("changedFields", "credentialsRotated"));
            assertThat(names(event.payload())).containsAll(REQUIRED).containsAll(List.of("changedFields", "credentialsRotated"))
                    .isSubsetOf(properties);
            List<String> changed = new ArrayList<>();
            event.payload().path("changedFields").forEach(f -> changed.add(f.asText()));
            assertThat(changed).as("changedFields after %s", step.patch()).containsExactlyElementsOf(step.changed());
            assertThat(event.payload().path("credentialsRotated").asBoolean()).as("credentialsRotated after %s", step.patch())
                    .isEqualTo(step.rotated());
            carriesTheAccount(event, view, org.id());
        }
        EmittedEvents.Mark mark = EmittedEvents.mark();
        org.patch(accountId, Map.of("displayName", "Renamed", "active", true), 200);
        org.patch(accountId, Map.of("credentials", Map.of("access_token", "not-the-token")), 422);
        org.since(mark).none();
    }

    @Test
    void disablingPublishesTheAccountInactive() {
        Org org = Org.known();
        String accountId = org.connect(meta("act_2000002", Catalog.META_TOKEN), 201).path("id");
        EmittedEvents.Mark mark = EmittedEvents.mark();

        org.patch(accountId, Map.of("active", false), 200);

        EmittedEvent event = org.since(mark).single(DspAccountUpdated.TYPE, accountId);
        assertThat(event.field("active")).isEqualTo("false");
        assertThat(event.field("changedFields")).isEqualTo("[\"active\"]");
    }

    @Test
    void deletingPublishesOneDeletedEventWithTheAccountsLastState() {
        Org org = Org.known();
        ExtractableResponse<Response> view = org.connect(meta("act_2000001", Catalog.META_TOKEN), 201);
        String accountId = view.path("id");
        EmittedEvents.Mark mark = EmittedEvents.mark();

        given().auth().oauth2(org.token()).when().delete(org.base() + "/" + accountId).then().statusCode(204);

        EmittedEvent event = org.since(mark).single();
        assertThat(event.type()).isEqualTo(DspAccountDeleted.TYPE).isEqualTo("io.clp.dsp-account.deleted.v1");
        event.hasHeaders("campaign", "dsp-accounts/" + accountId, org.id(), "user:" + org.admin().id());
        assertThat(names(event.payload())).containsAll(REQUIRED).isSubsetOf(STATE);
        assertThat(event.field("id")).isEqualTo(accountId);
        assertThat(event.field("externalAccountId")).isEqualTo("act_2000001");
        assertThat(event.field("displayName")).isEqualTo("Acme Retail Meta");
        assertThat(java.time.Instant.parse(event.field("updatedAt"))).isAfterOrEqualTo(java.time.Instant.parse(view.path("updatedAt")));
    }

    @Test
    void aConnectionTheDspRefusesOrTheQuotaForbidsPublishesNothing() {
        Org org = Org.known();
        EmittedEvents.Mark mark = EmittedEvents.mark();
        org.connect(meta("act_2000001", "not-the-token"), 422);
        org.since(mark).none();

        TestDatabase.execute("UPDATE campaign.organization_refs SET quotas = jsonb_set(coalesce(quotas, '{}'::jsonb), "
                + "'{dsp_accounts}', '1') WHERE org_id = ?", org.id());
        org.connect(meta("act_2000001", Catalog.META_TOKEN), 201);
        mark = EmittedEvents.mark();
        org.connect(meta("act_2000002", Catalog.META_TOKEN), 409);
        org.since(mark).none();
    }

    /**
     * The proof that the event is written in the row's transaction: a trigger deferred to commit refuses the row
     * change after the service wrote its event, and with the transaction the event is gone too.
     */
    @Test
    void aChangeWhoseTransactionFailsAtCommitPublishesNoEvent() {
        Org org = Org.known();
        String accountId = org.connect(meta("act_2000001", Catalog.META_TOKEN), 201).path("id");
        String doomed = "Refused at commit " + UUID.randomUUID();
        TestDatabase.execute("""
                CREATE FUNCTION campaign.refuse_at_commit_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF (CASE WHEN TG_OP = 'DELETE' THEN OLD.display_name ELSE NEW.display_name END) = '%s' THEN
                        RAISE EXCEPTION 'refused at commit';
                    END IF;
                    RETURN NULL;
                END $$""".formatted(doomed));
        TestDatabase.execute("CREATE CONSTRAINT TRIGGER refuse_at_commit_for_test AFTER INSERT OR UPDATE OR DELETE ON campaign.dsp_accounts "
                + "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION campaign.refuse_at_commit_for_test()");
        try {
            EmittedEvents.Mark mark = EmittedEvents.mark();
            Map<String, Object> connect = meta("act_2000002", Catalog.META_TOKEN);
            connect.put("displayName", doomed);
            org.connect(connect, 500);
            org.patch(accountId, Map.of("displayName", doomed), 500);
            org.since(mark).none();
            assertThat(TestDatabase.count("SELECT count(*) FROM campaign.dsp_accounts WHERE org_id = ?", org.id())).isOne();
            assertThat(TestDatabase.count("SELECT count(*) FROM campaign.dsp_accounts WHERE display_name = ?", doomed)).isZero();

            // the row already carries the refused name (written past the service, so without an event): disabling
            // and deleting it fail at commit too
            TestDatabase.execute("ALTER TABLE campaign.dsp_accounts DISABLE TRIGGER refuse_at_commit_for_test");
            TestDatabase.execute("UPDATE campaign.dsp_accounts SET display_name = ? WHERE id = ?", doomed, UUID.fromString(accountId));
            TestDatabase.execute("ALTER TABLE campaign.dsp_accounts ENABLE TRIGGER refuse_at_commit_for_test");
            mark = EmittedEvents.mark();
            org.patch(accountId, Map.of("active", false), 500);
            given().auth().oauth2(org.token()).when().delete(org.base() + "/" + accountId).then().statusCode(500);
            org.since(mark).none();
            assertThat(TestDatabase.count("SELECT count(*) FROM campaign.dsp_accounts WHERE id = ? AND is_active", UUID.fromString(accountId)))
                    .isOne();
        } finally {
            TestDatabase.execute("DROP TRIGGER IF EXISTS refuse_at_commit_for_test ON campaign.dsp_accounts");
            TestDatabase.execute("DROP FUNCTION IF EXISTS campaign.refuse_at_commit_for_test()");
        }
    }

    /**
     * A change reads the account's committed row under a lock: a sync outcome written while the change waited is
     * neither overwritten by the change nor reported by its event as something the change did.
     */
    @Test
    void aChangeWaitsForAConcurrentWriteOfTheRowAndKeepsIt() throws Exception {
        Org org = Org.known();
        String accountId = org.connect(meta("act_2000001", Catalog.META_TOKEN), 201).path("id");
        EmittedEvents.Mark mark = EmittedEvents.mark();
        java.util.concurrent.CompletableFuture<Integer> patched;
        try (Connection sync = TestPostgres.get().server().connect(TestPostgres.DATABASE)) {
            sync.setAutoCommit(false);
            try (PreparedStatement ps = sync.prepareStatement(
                    "UPDATE campaign.dsp_accounts SET last_sync_status = 'succeeded', display_name = 'Named meanwhile' WHERE id = ?")) {
                ps.setObject(1, UUID.fromString(accountId));
                assertThat(ps.executeUpdate()).isOne();
            }
            patched = java.util.concurrent.CompletableFuture.supplyAsync(() -> given().auth().oauth2(org.token())
                    .contentType(ContentType.JSON).body(Map.of("active", false))
                    .when().patch(org.base() + "/" + accountId).then().extract().statusCode());
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (TestDatabase.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    + "AND query ILIKE '%dsp_accounts%'") == 0 && !patched.isDone()) {
                assertThat(System.nanoTime()).as("the change waits for the row").isLessThan(deadline);
                Thread.sleep(50);
            }
            sync.commit();
        }
        assertThat(patched.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);

        assertThat(TestDatabase.text("SELECT last_sync_status FROM campaign.dsp_accounts WHERE id = ?", UUID.fromString(accountId)))
                .isEqualTo("succeeded");
        EmittedEvent event = org.since(mark).single(DspAccountUpdated.TYPE, accountId);
        assertThat(event.field("changedFields")).isEqualTo("[\"active\"]");
        assertThat(event.field("displayName")).isEqualTo("Named meanwhile");
    }
}
