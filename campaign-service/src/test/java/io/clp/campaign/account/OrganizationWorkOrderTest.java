package io.clp.campaign.account;

import io.clp.campaign.SimulatedDsps;
import io.clp.campaign.CampaignFixtures;
import io.clp.events.identity.GrantIssued;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestEvents;
import io.clp.testing.TestOrganizations;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The order in which {@link io.clp.tenancy.work.OrganizationWork} decides, seen through the DSP
 * account API: membership before any entity is looked up, the organization's state before a grant is
 * consulted, a grant only for work on its one entity, and never for an API key.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class OrganizationWorkOrderTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    private static String path(UUID orgId, UUID accountId) {
        return "/api/v1/organizations/" + orgId + "/dsp-accounts/" + accountId;
    }

    private static ValidatableResponse rename(String token, UUID orgId, UUID accountId) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"displayName\": \"Renamed\"}")
                .when().patch(path(orgId, accountId)).then();
    }

    private static void grant(UUID orgId, UUID userId, UUID accountId, String... actions) {
        TestEvents.publish(new GrantIssued(UUID.randomUUID(), orgId, userId, DspAccount.ENTITY_TYPE, accountId, List.of(actions),
                null, UUID.randomUUID(), Instant.now().truncatedTo(ChronoUnit.MICROS), 0L));
    }

    @Test
    void aNonMemberIsToldTheOrganizationIsNotFoundBeforeAnyAccountIsLookedUp() {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Private");
        UUID elsewhere = UUID.randomUUID();
        String outsider = TestTokens.token(User.member(elsewhere, "admin"));
        String organizationNotFound = "no organization " + orgId;
        rename(outsider, orgId, accountId).statusCode(404).body("detail", equalTo(organizationNotFound));
        // an account that does not exist gives the same answer: the outsider learns nothing of the accounts
        rename(outsider, orgId, UUID.randomUUID()).statusCode(404).body("detail", equalTo(organizationNotFound));
        // a member asking for a missing account is told about the account
        UUID missing = UUID.randomUUID();
        rename(TestTokens.token(User.member(orgId, "admin")), orgId, missing).statusCode(404)
                .body("detail", equalTo("no dsp account " + missing));
        assertNameUnchanged(accountId, "Private");
    }

    @Test
    void aGrantLetsAMemberWithoutARoleReadItsOneAccountButNotTheOrganizationsList() {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Granted");
        UUID otherAccount = CampaignFixtures.dspAccount(orgId, "Not granted");
        // a membership whose group maps to no role this release knows: a member holding no permission
        User roleless = User.member(orgId, "guest");
        String token = TestTokens.token(roleless);
        given().auth().oauth2(token).when().get(path(orgId, accountId)).then().statusCode(403);

        grant(orgId, roleless.id(), accountId, "view");
        await().atMost(WITHIN).until(() -> given().auth().oauth2(token).get(path(orgId, accountId)).statusCode() == 200);
        given().auth().oauth2(token).when().get(path(orgId, otherAccount)).then().statusCode(403);
        // listing is work on the organization, not on one entity: only a role (or key scope) allows it
        given().auth().oauth2(token).when().get("/api/v1/organizations/" + orgId + "/dsp-accounts")
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void aGrantDoesNotLetItsHolderChangeASuspendedOrganization() {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Frozen by grant");
        User viewer = User.member(orgId, "viewer");
        grant(orgId, viewer.id(), accountId, "edit");
        await().atMost(WITHIN).until(() -> TestDatabase.count(
                "SELECT count(*) FROM campaign.entity_grant_refs WHERE user_id = ? AND entity_id = ?", viewer.id(), accountId) == 1);

        TestDatabase.execute("UPDATE campaign.organization_refs SET status = 'suspended' WHERE org_id = ?", orgId);
        rename(TestTokens.token(viewer), orgId, accountId).statusCode(409)
                .body("type", equalTo("urn:clp:problem:organization-suspended"));
        rename(TestTokens.token(User.member(orgId, "admin")), orgId, accountId).statusCode(409);
        assertNameUnchanged(accountId, "Frozen by grant");

        TestDatabase.execute("UPDATE campaign.organization_refs SET status = 'active' WHERE org_id = ?", orgId);
        rename(TestTokens.token(viewer), orgId, accountId).statusCode(200).body("displayName", equalTo("Renamed"));
    }

    /**
     * The token gate's one statement (clp_enter_organization, db/platform V0_14 and V0_16), as the service's role under row-level
     * security: it adds the organization to the organizations the transaction already sees and returns that one's
     * state, read after the setting; it reveals nothing of an organization it was not given, and nothing outlives the
     * transaction.
     */
    @Test
    void enteringAnOrganizationAddsItToTheTransactionsScopeAndReadsItsStateOnly() throws Exception {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        for (UUID org : List.of(first, second, other)) {
            TestOrganizations.known("campaign", org);
        }
        TestDatabase.execute("UPDATE campaign.organization_refs SET status = 'suspended' WHERE org_id = ?", second);
        try (Connection c = TestDatabase.asService("campaign")) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT set_config('clp.user_id', '', true), set_config('clp.scope', 'user', true)");
            }
            assertThat(enter(c, first)).isEqualTo("active");
            assertThat(enter(c, second)).isEqualTo("suspended");
            assertThat(single(c, "SELECT current_setting('clp.org_ids')")).isEqualTo(first + "," + second);
            assertThat(single(c, "SELECT count(*) FROM organization_refs WHERE org_id IN ('" + first + "', '" + second + "', '"
                    + other + "')")).isEqualTo("2");
            // an organization unknown to the read model: no state, so the gate answers 404
            assertThat(enter(c, UUID.randomUUID())).isNull();
            c.commit();
            assertThat(single(c, "SELECT count(*) FROM organization_refs WHERE org_id = '" + first + "'")).isEqualTo("0");
            c.rollback();
        }
    }

    /**
     * The token gate's statement also sets the actor's scope (db/platform V0_16), before it reads the organization's
     * state: a transaction that has not run it sees no organization's rows and is not the system's, and one that has sees
     * the organization it entered, acting for the user it names, and only until it ends.
     */
    @Test
    void enteringAnOrganizationSetsTheActorsScopeFirstAndWithoutItNothingIsVisible() throws Exception {
        UUID orgId = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        TestOrganizations.known("campaign", orgId);
        try (Connection c = TestDatabase.asService("campaign")) {
            c.setAutoCommit(false);
            assertThat(single(c, "SELECT count(*) FROM organization_refs WHERE org_id = '" + orgId + "'")).isEqualTo("0");
            assertThat(single(c, "SELECT clp_system_scope()")).isEqualTo("f");
            try (PreparedStatement ps = c.prepareStatement("SELECT clp_enter_organization(?, ?, 'user')")) {
                ps.setObject(1, orgId);
                ps.setString(2, user.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("active");
                }
            }
            assertThat(single(c, "SELECT current_setting('clp.user_id') || ' ' || current_setting('clp.scope')"))
                    .isEqualTo(user + " user");
            assertThat(single(c, "SELECT current_setting('clp.org_ids')")).isEqualTo(orgId.toString());
            assertThat(single(c, "SELECT clp_system_scope()")).isEqualTo("f");
            c.commit();
            assertThat(single(c, "SELECT coalesce(current_setting('clp.scope', true), '')")).isEmpty();
            assertThat(single(c, "SELECT count(*) FROM organization_refs WHERE org_id = '" + orgId + "'")).isEqualTo("0");
            c.rollback();
        }
    }

    private static String enter(Connection c, UUID orgId) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT clp_enter_organization(?)")) {
            ps.setObject(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static String single(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void anApiKeyIsNotExtendedByTheGrantsOfTheUserWhoCreatedIt() {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Keyed");
        User creator = User.member(orgId, "viewer");
        grant(orgId, creator.id(), accountId, "view", "edit");
        String person = TestTokens.token(creator);
        await().atMost(WITHIN).until(() -> given().auth().oauth2(person).contentType(ContentType.JSON)
                .body("{\"displayName\": \"Keyed\"}").patch(path(orgId, accountId)).statusCode() == 200);

        String key = TestTokens.apiKey(UUID.randomUUID(), orgId, creator.id(), List.of("dsp_account:read"),
                Instant.now().plus(Duration.ofDays(1)));
        rename(key, orgId, accountId).statusCode(403);
        assertNameUnchanged(accountId, "Keyed");
        // a key without the read scope does not read the account its creator holds a view grant on
        String otherScope = TestTokens.apiKey(UUID.randomUUID(), orgId, creator.id(), List.of("campaign:read"),
                Instant.now().plus(Duration.ofDays(1)));
        given().auth().oauth2(otherScope).when().get(path(orgId, accountId)).then().statusCode(403);
    }

    private static void assertNameUnchanged(UUID accountId, String name) {
        assertThat(CampaignFixtures.displayName(accountId)).isEqualTo(name);
    }
}
