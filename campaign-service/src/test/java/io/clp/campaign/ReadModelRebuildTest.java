package io.clp.campaign;

import io.clp.events.identity.GrantSnapshot;
import io.clp.events.identity.OrganizationSnapshot;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestEvents;
import io.clp.testing.TestPostgres;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A service started on an empty schema, after 1,000 organizations (and some grants) exist, learns every
 * one's state and quotas from identity's compacted state topics alone: no event of theirs is replayed,
 * and its consumer group has never read the topics before.
 */
@QuarkusTest
@TestProfile(ReadModelRebuildTest.EmptySchema.class)
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class ReadModelRebuildTest {

    static final int ORGANIZATIONS = 1000;
    static final Instant T = Instant.now().truncatedTo(ChronoUnit.MICROS);
    static final List<OrganizationSnapshot> CURRENT = new ArrayList<>();
    static final List<GrantSnapshot> GRANTS = new ArrayList<>();

    /** A fresh consumer group on the state topics, and the schema dropped before the service starts. */
    public static class EmptySchema implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String run = UUID.randomUUID().toString().substring(0, 8);
            return Map.of("mp.messaging.incoming.organization-states.group.id", "campaign-organization-states-" + run,
                    "mp.messaging.incoming.grant-states.group.id", "campaign-grant-states-" + run);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(StateHistory.class));
        }
    }

    /** What identity published before this service existed: every organization's states, some grants' states. */
    public static class StateHistory implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS campaign CASCADE");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            TestPostgres.get().prepareService("campaign");

            List<OrganizationSnapshot> history = new ArrayList<>();
            String[] plans = {"free", "team", "enterprise"};
            for (int i = 0; i < ORGANIZATIONS; i++) {
                UUID id = UUID.randomUUID();
                String slug = "rebuilt-" + i + "-" + id.toString().substring(0, 6);
                String plan = plans[i % 3];
                Map<String, Integer> quotas = new LinkedHashMap<>(Map.of("members", 5 + i, "dsp_accounts", 1 + i % 4,
                        "pipelines", 5, "rules", 25, "api_keys", 2));
                // an older state first for every other organization: only the newest version may stay
                if (i % 2 == 0) {
                    history.add(new OrganizationSnapshot(id, slug, "trial", "free", Map.of("members", 1, "dsp_accounts", 9,
                            "pipelines", 1, "rules", 1, "api_keys", 1), false, null, T.minusSeconds(60), 3));
                }
                String status = i % 10 == 1 ? "suspended" : "active";
                boolean deleted = i % 10 == 2;
                OrganizationSnapshot current = new OrganizationSnapshot(id, slug, deleted ? "deleted" : status, plan, quotas,
                        deleted, deleted ? T : null, T, 4 + i % 3);
                history.add(current);
                CURRENT.add(current);
            }
            for (int i = 0; i < 10; i++) {
                OrganizationSnapshot org = CURRENT.get(10 * i);
                GRANTS.add(new GrantSnapshot(UUID.randomUUID(), org.id(), UUID.randomUUID(), "dsp_account", UUID.randomUUID(),
                        List.of("view", "edit"), null, UUID.randomUUID(), T, 2, i % 2 == 1, i % 2 == 1 ? T : null));
            }
            TestEvents.publishAll(history);
            TestEvents.publishAll(GRANTS);
            return Map.of();
        }

        @Override
        public void stop() {
        }
    }

    private record Ref(String status, String plan, Integer dspAccounts, Long version, boolean deleted) {
    }

    private static Map<UUID, Ref> refs() throws Exception {
        Map<UUID, Ref> refs = new HashMap<>();
        try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE);
             PreparedStatement ps = c.prepareStatement("SELECT org_id, status, plan, CAST(quotas ->> 'dsp_accounts' AS integer), "
                     + "greatest(status_version, quotas_version), deleted_at IS NOT NULL FROM campaign.organization_refs");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                refs.put(rs.getObject(1, UUID.class), new Ref(rs.getString(2), rs.getString(3), (Integer) rs.getObject(4),
                        rs.getLong(5), rs.getBoolean(6)));
            }
        }
        return refs;
    }

    @Test
    void aServiceStartedOnAnEmptySchemaKnowsEveryOrganizationsStateAndQuotas() throws Exception {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Map<UUID, Ref> known = refs();
            return CURRENT.stream().allMatch(org -> known.containsKey(org.id()) && known.get(org.id()).version() == org.version());
        });
        Map<UUID, Ref> refs = refs();
        for (OrganizationSnapshot org : CURRENT) {
            Ref ref = refs.get(org.id());
            assertThat(ref).as("organization %s", org.slug()).isNotNull();
            assertThat(ref.deleted()).isEqualTo(org.deleted());
            if (!org.deleted()) {
                assertThat(ref.status()).isEqualTo(org.status());
                assertThat(ref.plan()).isEqualTo(org.plan());
                assertThat(ref.dspAccounts()).isEqualTo(org.quotas().get("dsp_accounts"));
            }
        }

        // and acts on it: active ones answer, suspended ones are read-only, deleted ones are gone, quotas hold
        OrganizationSnapshot active = CURRENT.get(4);
        OrganizationSnapshot suspended = CURRENT.get(1);
        OrganizationSnapshot deleted = CURRENT.get(2);
        for (OrganizationSnapshot org : List.of(active, suspended, deleted)) {
            UUID account = UUID.randomUUID();
            TestDatabase.execute("INSERT INTO campaign.dsp_accounts (id, org_id, dsp_type, external_account_id, display_name) "
                    + "VALUES (?, ?, 'dv360', ?, 'Rebuilt')", account, org.id(), "adv-" + account);
            String admin = TestTokens.token(User.member(org.id(), "admin"));
            String path = "/api/v1/organizations/" + org.id() + "/dsp-accounts/" + account;
            int read = given().auth().oauth2(admin).get(path).statusCode();
            int write = given().auth().oauth2(admin).contentType(ContentType.JSON).body("{\"displayName\": \"Changed\"}")
                    .patch(path).statusCode();
            if (org == active) {
                assertThat(List.of(read, write)).containsExactly(200, 200);
            } else if (org == suspended) {
                assertThat(List.of(read, write)).containsExactly(200, 409);
            } else {
                assertThat(List.of(read, write)).containsExactly(404, 404);
            }
        }
        // active's dsp_accounts limit is 1 + 4 % 4 = 1: the account above used it
        assertThat(active.quotas().get("dsp_accounts")).isEqualTo(1);
        assertThatThrownBy(() -> TestDatabase.execute("INSERT INTO campaign.dsp_accounts (org_id, dsp_type, external_account_id) "
                + "VALUES (?, 'meta', 'one-too-many')", active.id())).hasMessageContaining("dsp_accounts quota (1) is used up");
    }

    @Test
    void grantsAreRebuiltFromTheirStatesAndRevokedOnesStayRevoked() {
        await().atMost(Duration.ofMinutes(3)).until(() -> GRANTS.stream().allMatch(g ->
                TestDatabase.count("SELECT count(*) FROM campaign.entity_grant_refs WHERE grant_id = ?", g.id()) == 1));
        for (GrantSnapshot grant : GRANTS) {
            assertThat(TestDatabase.count("SELECT count(*) FROM campaign.entity_grant_refs WHERE grant_id = ? AND revoked_at IS NOT NULL",
                    grant.id())).isEqualTo(grant.revoked() ? 1 : 0);
        }
    }
}
