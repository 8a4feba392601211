package io.clp.audit.trail;

import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Entries recorded before the connector excluded a DSP account's token path, metadata and sync
 * error lose those values when audit-service is upgraded (migration V4), and keep everything else.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "audit"))
class CapturedSecretsScrubTest {

    private static final String MIGRATION = "db/migration/V4__scrub_captured_secrets.sql";

    @Test
    void secretsRecordedBeforeTheyWereExcludedAreRemovedFromTheTrailAndTheRestStays() throws Exception {
        UUID entry = UUID.randomUUID();
        TestDatabase.execute("""
                INSERT INTO audit.audit_logs (id, org_id, action, resource_type, resource_id, old_values, new_values, changes,
                                              source_service, tx_id, committed_at)
                VALUES (?, ?, 'update', 'dsp_accounts', ?, CAST(? AS jsonb), CAST(? AS jsonb), CAST(? AS jsonb), 'campaign', 42, now())""",
                entry, UUID.randomUUID(), UUID.randomUUID(),
                "{\"account_name\": \"A\", \"oauth_token_path\": \"vault:dsp/1\", \"metadata\": \"{}\"}",
                "{\"account_name\": \"B\", \"oauth_token_path\": \"vault:dsp/2\", \"sync_error\": \"401 token ya29...\"}",
                "{\"account_name\": {\"old\": \"A\", \"new\": \"B\"}, \"oauth_token_path\": {\"old\": \"vault:dsp/1\", \"new\": \"vault:dsp/2\"}}");

        runAsTheService(migrationSql());

        String row = "SELECT CAST(%s AS text) FROM audit.audit_logs WHERE id = ?";
        assertThat(TestDatabase.text(row.formatted("old_values"), entry)).isEqualTo("{\"account_name\": \"A\"}");
        assertThat(TestDatabase.text(row.formatted("new_values"), entry)).isEqualTo("{\"account_name\": \"B\"}");
        assertThat(TestDatabase.text(row.formatted("changes"), entry)).isEqualTo("{\"account_name\": {\"new\": \"B\", \"old\": \"A\"}}");
    }

    /** As Flyway applies it: the service's role (row-level security applies), its schema, one transaction. */
    private static void runAsTheService(String sql) throws SQLException {
        try (Connection c = TestDatabase.asService("audit"); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET search_path = audit");
            s.execute(sql);
            c.commit();
        }
    }

    private static String migrationSql() throws IOException {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(MIGRATION)) {
            assertThat(in).as(MIGRATION).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
