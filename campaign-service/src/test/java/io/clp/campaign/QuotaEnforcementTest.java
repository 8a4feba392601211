package io.clp.campaign;

import io.clp.events.identity.OrganizationQuotasChanged;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestEvents;
import io.clp.testing.TestOrganizations;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The quotas identity-service publishes reach this service's read model, and the dsp_accounts quota
 * trigger refuses, whatever writes the row, an account past the limit, naming the quota.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class QuotaEnforcementTest {

    /** Inserts a DSP account as the service's own role, in a transaction scoped to the organization. */
    private static void insertAccount(UUID orgId) throws SQLException {
        try (Connection c = TestDatabase.asService("campaign")) {
            c.setAutoCommit(false);
            try (PreparedStatement scope = c.prepareStatement("SELECT set_config('clp.org_ids', ?, true)");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO campaign.dsp_accounts "
                         + "(org_id, dsp_type, external_account_id) VALUES (?, 'meta', ?)")) {
                scope.setString(1, orgId.toString());
                scope.execute();
                insert.setObject(1, orgId);
                insert.setString(2, "act-" + UUID.randomUUID());
                insert.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static long accounts(UUID orgId) {
        return TestDatabase.count("SELECT count(*) FROM campaign.dsp_accounts WHERE org_id = ?", orgId);
    }

    @Test
    void theDspAccountsQuotaFromIdentityCapsInsertsAndANewerLimitReplacesIt() throws Exception {
        UUID orgId = UUID.randomUUID();
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        TestEvents.publish(new OrganizationQuotasChanged(orgId, "acme", "free", Map.of("dsp_accounts", 2, "rules", 25), t, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM campaign.organization_refs WHERE org_id = ? AND quotas IS NOT NULL", orgId) == 1);

        insertAccount(orgId);
        insertAccount(orgId);
        assertThatThrownBy(() -> insertAccount(orgId)).isInstanceOf(SQLException.class)
                .hasMessageContaining("dsp_accounts quota (2) is used up")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("CLPQ1"));
        assertThat(accounts(orgId)).isEqualTo(2);

        TestEvents.publish(new OrganizationQuotasChanged(orgId, "acme", "team", Map.of("dsp_accounts", 3), t.plusSeconds(5), null));
        // an older event arriving late does not undo the newer one (events from before versions existed: by time)
        UUID late = TestEvents.publish(new OrganizationQuotasChanged(orgId, "acme", "free", Map.of("dsp_accounts", 2), t.plusSeconds(1), null));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                TestDatabase.count("SELECT count(*) FROM campaign.processed_event WHERE event_id = ?", late) == 1);
        assertThatCode(() -> insertAccount(orgId)).doesNotThrowAnyException();
        assertThat(accounts(orgId)).isEqualTo(3);
    }

    @Test
    void anOrganizationWhoseLimitsHaveNotArrivedGetsItsPlansDefaultsNotUnlimited() throws Exception {
        UUID orgId = TestOrganizations.known("campaign", UUID.randomUUID(), "free");
        insertAccount(orgId);
        insertAccount(orgId);
        assertThatThrownBy(() -> insertAccount(orgId)).isInstanceOf(SQLException.class)
                .hasMessageContaining("dsp_accounts quota (2) is used up")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("CLPQ1"));
        assertThat(accounts(orgId)).isEqualTo(2);

        // an unknown plan gets the free plan's defaults; limits that lack this quota get the plan's default
        UUID odd = TestOrganizations.known("campaign", UUID.randomUUID(), "platinum");
        insertAccount(odd);
        insertAccount(odd);
        assertThatThrownBy(() -> insertAccount(odd)).isInstanceOf(SQLException.class).hasMessageContaining("(2)");
        UUID team = TestOrganizations.known("campaign", UUID.randomUUID(), "team");
        TestDatabase.execute("UPDATE campaign.organization_refs SET quotas = '{\"rules\": 1}'::jsonb WHERE org_id = ?", team);
        for (int i = 0; i < 10; i++) {
            insertAccount(team);
        }
        assertThatThrownBy(() -> insertAccount(team)).isInstanceOf(SQLException.class).hasMessageContaining("(10)");
    }

    @Test
    void nothingCanBeCreatedInAnOrganizationUnknownHere() {
        UUID orgId = UUID.randomUUID();
        assertThatThrownBy(() -> insertAccount(orgId)).isInstanceOf(SQLException.class)
                .hasMessageContaining("not known here")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("CLPQ1"));
        assertThat(accounts(orgId)).isZero();
    }
}
