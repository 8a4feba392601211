package io.clp.campaign.metrics;

import io.clp.campaign.HierarchyFixtures;
import io.clp.campaign.HierarchyFixtures.Chain;
import io.clp.campaign.SimulatedDsps;
import io.clp.events.pipeline.MetricsBatch;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.clp.campaign.metrics.MetricsBatches.batch;
import static io.clp.campaign.metrics.MetricsBatches.row;
import static io.clp.campaign.metrics.MetricsBatches.rowsOfBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * V9's guard, run as the migration runs it: as the service's own role, under the table's forced row-level security.
 * With a row recorded, it must stop the migration rather than let it drop the table.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class MetricsMigrationGuardTest {

    private static final String V9 = "db/migration/V9__campaign_metrics_by_entity.sql";

    private static String v9() throws Exception {
        try (InputStream in = MetricsMigrationGuardTest.class.getClassLoader().getResourceAsStream(V9)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Runs {@code sql} as the service's role in a transaction that is rolled back. */
    private static void asServiceRolledBack(String sql) throws SQLException {
        try (Connection c = TestDatabase.asService("campaign")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL search_path = campaign");
                s.execute(sql);
            } finally {
                c.rollback();
            }
        }
    }

    @Test
    void theGuardSeesTheRowsOfEveryOrganizationAndStopsTheMigration() throws Exception {
        Chain chain = HierarchyFixtures.chain(UUID.randomUUID());
        MetricsBatch batch = batch(chain.orgId(), List.of(row("campaign", chain.campaignId(), "2026-08-01", 1, 0, 0, 0, "0", "0")));
        MetricsBatches.publish(batch);
        await().atMost(Duration.ofSeconds(30)).until(() -> rowsOfBatch(batch.batchId()) == 1);

        String v9 = v9();
        int drop = v9.indexOf("DROP TABLE campaign_metrics;");
        String guard = v9.substring(v9.indexOf("SELECT set_config('clp.scope', 'system', true);"), drop);
        assertThat(guard).contains("IF EXISTS (SELECT 1 FROM campaign_metrics)");
        assertThatThrownBy(() -> asServiceRolledBack(guard)).isInstanceOf(SQLException.class)
                .hasMessageContaining("campaign_metrics holds rows");

        // without the scope, row-level security hides every row and the guard would let the table be dropped
        String unscoped = v9.substring(v9.indexOf("DO $$"), drop);
        asServiceRolledBack(unscoped);
    }
}
