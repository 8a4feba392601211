package io.clp.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import io.clp.platform.retention.PlatformTablesPruner;
import io.quarkus.arc.Arc;
import io.quarkus.vertx.VertxContextSupport;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/**
 * What every service must do when it starts: migrate its own schema with its own role, validate its
 * mapping, report ready (database and Kafka checked), publish its OpenAPI document and metrics, write
 * JSON with platform-core's mapper settings.
 * A service's test extends this, annotated with {@code @QuarkusTest} and the {@link PlatformTestResource}.
 */
public abstract class ServiceBootContract {

    protected abstract String service();

    /** The tables of this service's slice of the data model. */
    protected abstract List<String> tables();

    /** The tables that hold one organization's rows: each must have row-level security forced. */
    protected List<String> orgScopedTables() {
        return tables();
    }

    @Test
    void migratesEveryTableOfItsSchemaAsItsOwnRole() {
        for (String table : tables()) {
            assertThat(TestDatabase.count(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = ? AND tablename = ? AND tableowner = ?",
                    service(), table, "clp_" + service()))
                    .as("table %s.%s owned by clp_%s", service(), table, service()).isEqualTo(1);
        }
        List<String> orgScoped = new ArrayList<>(orgScopedTables());
        orgScoped.add("entity_grant_refs");
        orgScoped.add("organization_refs");
        for (String table : orgScoped) {
            assertThat(TestDatabase.count("""
                    SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ? AND c.relname = ? AND c.relrowsecurity AND c.relforcerowsecurity""",
                    service(), table)).as("row-level security forced on %s.%s", service(), table).isEqualTo(1);
        }
        for (String platformTable : List.of("outbox_event", "processed_event", "transaction_context", "entity_grant_refs", "organization_refs")) {
            assertThat(TestDatabase.count("SELECT count(*) FROM pg_tables WHERE schemaname = ? AND tablename = ?",
                    service(), platformTable)).as(platformTable).isEqualTo(1);
        }
    }

    @Test
    void keepsPlatformMigrationsInAHistoryOfTheirOwnAndAppliesThemFirst() {
        String platform = service() + ".platform_schema_history";
        String own = service() + ".flyway_schema_history";
        assertThat(TestDatabase.count("SELECT count(*) FROM " + platform + " WHERE version IN ('0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.9', '0.10') AND success"))
                .as("platform-core's and platform-tenancy's migrations in %s", platform).isEqualTo(9);
        assertThat(TestDatabase.count("SELECT count(*) FROM " + platform + " WHERE version IS NULL OR version NOT LIKE '0.%' OR NOT success"))
                .as("only platform-core's migrations, all applied, in %s", platform).isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM " + own + " WHERE version LIKE '0.%'"))
                .as("no platform migration in the service's own history %s", own).isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM " + own + " WHERE version = '1' AND success")).isEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM " + platform + " p, " + own + " s"
                + " WHERE s.version = '1' AND p.installed_on > s.installed_on"))
                .as("every platform migration applied before the service's V1").isZero();
    }

    /** The tables whose inserts a quota limits (db/platform/V0_5), with the quota: none by default. */
    protected Map<String, String> quotaTables() {
        return Map.of();
    }

    @Test
    void enforcesItsQuotasOnInsert() {
        quotaTables().forEach((table, quota) -> assertThat(TestDatabase.count("""
                SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relname = ? AND t.tgname = 'clp_quota'
                  AND encode(t.tgargs, 'escape') = ? || '\\000'""", service(), table, quota))
                .as("quota %s enforced on %s.%s", quota, service(), table).isEqualTo(1));
    }

    @Test
    void prunesBookkeepingRowsPastTheirRetention() throws Throwable {
        UUID oldContext = UUID.randomUUID();
        UUID freshContext = UUID.randomUUID();
        UUID oldEvent = UUID.randomUUID();
        UUID freshEvent = UUID.randomUUID();
        String schema = service();
        for (Object[] row : new Object[][]{{oldContext, "8 days"}, {freshContext, "1 minute"}}) {
            TestDatabase.execute("INSERT INTO " + schema + ".transaction_context (id, tx_id, actor, service, created_at) "
                    + "VALUES (?, 1, 'system:test', 'test', now() - CAST(? AS interval))", row);
        }
        // the inbox outlives the event topics (7 days): 14 days by default
        for (Object[] row : new Object[][]{{oldEvent, "15 days"}, {freshEvent, "8 days"}}) {
            TestDatabase.execute("INSERT INTO " + schema + ".processed_event (event_id, consumer, processed_at) "
                    + "VALUES (?, 'test', now() - CAST(? AS interval))", row);
        }
        PlatformTablesPruner pruner = Arc.container().instance(PlatformTablesPruner.class).get();
        assertThat(VertxContextSupport.subscribeAndAwait(() -> pruner.prune(Instant.now()))).isGreaterThanOrEqualTo(2);
        assertThat(TestDatabase.count("SELECT count(*) FROM " + schema + ".transaction_context WHERE id IN (?, ?)",
                oldContext, freshContext)).isEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM " + schema + ".transaction_context WHERE id = ?", freshContext)).isEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM " + schema + ".processed_event WHERE event_id IN (?, ?)",
                oldEvent, freshEvent)).isEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM " + schema + ".processed_event WHERE event_id = ?", freshEvent)).isEqualTo(1);
    }

    @Test
    void reportsReadyWithDatabaseAndKafkaChecked() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Kafka connection health check"));
        given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void writesJsonThroughBlackbirdsGeneratedAccessors() {
        ObjectMapper json = Arc.container().instance(ObjectMapper.class).get();
        assertThat(json.getRegisteredModuleIds()).contains(new BlackbirdModule().getTypeId());
    }

    @Test
    void publishesItsOpenApiDocumentAndMetrics() {
        given().when().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body("info.title", equalTo("CLP " + service() + "-service API"));
        given().when().get("/q/metrics").then().statusCode(200);
    }
}
