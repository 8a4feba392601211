package io.clp.notification;

import io.clp.testing.PreviousReleaseTestResource;
import io.clp.testing.TestPostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The service starts on a database the previous release created (platform-core's V0_1..V0_7 recorded
 * in the service's history among its own V1, V2; rows in platform and service tables) and applies a
 * platform migration added since (V0_999, test only, standing for V0_8, V0_9, ...). With one history,
 * Flyway refused it ("Detected resolved migration not applied to database: 0.999").
 */
@QuarkusTest
@TestProfile(UpgradeFromPreviousReleaseTest.WithAPlatformMigrationAddedSince.class)
class UpgradeFromPreviousReleaseTest {

    private static final String DATABASE = "notification_upgrade";

    public static class WithAPlatformMigrationAddedSince implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("clp.flyway.platform-locations", "db/platform,db/upgrade-probe",
                    // spelled out too, so that the same test also runs against a release that predates the setting
                    "quarkus.flyway.locations", "db/platform,db/upgrade-probe,db/migration");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PreviousReleaseTestResource.class, Map.of(
                    "service", "notification",
                    "database", DATABASE,
                    "service-version", "2",
                    "seed", "previous-release/notification-seed.sql")));
        }
    }

    @Test
    void appliesAPlatformMigrationAddedSinceTheReleaseToTheRowsItLeft() throws SQLException {
        assertThat(column("SELECT version FROM notification.platform_schema_history WHERE success ORDER BY installed_rank"))
                .startsWith("0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7")
                .contains("0.9", "0.10")
                .endsWith("0.999");
        assertThat(column("SELECT upgrade_probe FROM notification.organization_refs WHERE slug = 'upgraded-org'"))
                .containsExactly("set by V0_999");
    }

    @Test
    void keepsTheReleasesHistoryOfPlatformMigrationsAndLeavesTheServicesItsOwn() throws SQLException {
        // moved with their checksums, which match the files: nothing was re-run or baselined over
        // (the release's rows come first; migrations added since then follow them)
        assertThat(column("SELECT script FROM notification.platform_schema_history ORDER BY installed_rank LIMIT 7"))
                .containsExactly("V0_1__platform_tables.sql", "V0_2__row_level_security.sql", "V0_3__entity_grant_refs.sql",
                        "V0_4__organization_refs.sql", "V0_5__quota_enforcement.sql", "V0_6__retention_indexes.sql",
                        "V0_7__organization_ref_versions.sql");
        assertThat(column("SELECT version FROM notification.flyway_schema_history ORDER BY installed_rank"))
                .containsExactly("1", "2");
    }

    @Test
    void everyRowTheReleaseWroteSurvives() throws SQLException {
        assertThat(column("SELECT slug || ' ' || status || ' ' || plan || ' ' || quotas::text || ' ' || status_version"
                + " FROM notification.organization_refs")).containsExactly("upgraded-org active pro {\"max_rules\": 7} 3");
        assertThat(column("SELECT subject || ' ' || status FROM notification.notifications"))
                .containsExactly("written by the previous release sent");
        assertThat(column("SELECT consumer FROM notification.processed_event")).containsExactly("notification-organizations");
        assertThat(column("SELECT actor FROM notification.transaction_context")).containsExactly("system:notification");
    }

    @Test
    void theUpgradedServiceIsReady() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    private static List<String> column(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = TestPostgres.get().server().connect(DATABASE);
             PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
