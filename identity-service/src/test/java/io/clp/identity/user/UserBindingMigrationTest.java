package io.clp.identity.user;

import io.clp.launcher.DatabaseBootstrap;
import io.clp.launcher.ServiceCatalog;
import io.clp.platform.persistence.PlatformMigrations;
import io.clp.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V8 turns user rows made before it into bound or unbound ones. An unbound row is handed to
 * whichever account first presents its verified e-mail, so only rows that exist for pending
 * invitations and were never used may be unbound; and the e-mail flags written before V8 (any claim
 * counted as verified) are not trusted. The rows are written as the old service wrote them, into a
 * database of their own migrated to V7, and then V8 runs.
 */
class UserBindingMigrationTest {

    private static final String DATABASE = "identity_v8_upgrade";
    private static final String SERVICE = "identity";

    private static final UUID ORG = UUID.randomUUID();
    private static final UUID OTHER_ORG = UUID.randomUUID();
    private static final UUID NEVER_SIGNED_IN = UUID.randomUUID();
    private static final UUID ACCEPTED = UUID.randomUUID();
    private static final UUID PENDING_WITH_KEY = UUID.randomUUID();
    private static final UUID PENDING_AND_MEMBER_ELSEWHERE = UUID.randomUUID();
    private static final UUID SIGNED_IN_WITH_CLAIM = UUID.randomUUID();

    @BeforeAll
    static void upgradeFromV7() throws SQLException {
        TestPostgres postgres = TestPostgres.get();
        String password = "test-" + SERVICE;
        DatabaseBootstrap.bootstrap(postgres.server(), DATABASE, Map.of(SERVICE, password), List.of(), null);
        try (Connection c = postgres.server().connect(DATABASE)) {
            c.createStatement().execute("DROP SCHEMA IF EXISTS identity CASCADE");
        }
        DatabaseBootstrap.bootstrap(postgres.server(), DATABASE, Map.of(SERVICE, password), List.of(), null);
        flyway(postgres, password, "7").migrate();

        try (Connection c = postgres.server().connect(DATABASE)) {
            exec(c, "INSERT INTO identity.organizations (id, name, slug) VALUES (?, 'Org', ?)", ORG, "org-" + ORG.toString().substring(0, 8));
            exec(c, "INSERT INTO identity.organizations (id, name, slug) VALUES (?, 'Other', ?)", OTHER_ORG,
                    "org-" + OTHER_ORG.toString().substring(0, 8));
            // invitees' rows as invitations made them: bound to their own id, no name, e-mail not verified
            for (UUID invitee : List.of(NEVER_SIGNED_IN, ACCEPTED, PENDING_WITH_KEY, PENDING_AND_MEMBER_ELSEWHERE)) {
                exec(c, "INSERT INTO identity.users (id, email, auth_provider_id) VALUES (?, ?, ?)",
                        invitee, invitee + "@clp.test", invitee.toString());
            }
            exec(c, "INSERT INTO identity.org_memberships (org_id, user_id, role, is_active) VALUES (?, ?, 'viewer', false)",
                    ORG, NEVER_SIGNED_IN);
            exec(c, "INSERT INTO identity.org_memberships (org_id, user_id, role, is_active, joined_at) VALUES (?, ?, 'viewer', true, now())",
                    ORG, ACCEPTED);
            exec(c, "INSERT INTO identity.org_memberships (org_id, user_id, role, is_active) VALUES (?, ?, 'viewer', false)",
                    ORG, PENDING_WITH_KEY);
            exec(c, "INSERT INTO identity.auth_tokens (user_id, token_type, token_hash) VALUES (?, 'session', ?)",
                    PENDING_WITH_KEY, "hash-" + PENDING_WITH_KEY);
            exec(c, "INSERT INTO identity.org_memberships (org_id, user_id, role, is_active) VALUES (?, ?, 'viewer', false)",
                    ORG, PENDING_AND_MEMBER_ELSEWHERE);
            exec(c, "INSERT INTO identity.org_memberships (org_id, user_id, role, is_active, joined_at) VALUES (?, ?, 'developer', true, now())",
                    OTHER_ORG, PENDING_AND_MEMBER_ELSEWHERE);
            // a row the old service made at sign-in: it recorded any e-mail claim as verified
            exec(c, "INSERT INTO identity.users (id, email, name, auth_provider_id, email_verified) VALUES (?, ?, 'Signed In', ?, true)",
                    SIGNED_IN_WITH_CLAIM, SIGNED_IN_WITH_CLAIM + "@clp.test", SIGNED_IN_WITH_CLAIM.toString());
        }
        flyway(postgres, password, "latest").migrate();
    }

    /** The service's migrations up to {@code target} as the service runs them: the platform's first, in their own history. */
    private static Flyway flyway(TestPostgres postgres, String password, String target) {
        FluentConfiguration config = Flyway.configure()
                .dataSource(postgres.server().jdbcUrl(DATABASE), postgres.role(SERVICE), password)
                .schemas(ServiceCatalog.schema(SERVICE))
                .defaultSchema(ServiceCatalog.schema(SERVICE))
                .createSchemas(false)
                .locations("classpath:db/platform", "classpath:db/migration")
                .target(target);
        PlatformMigrations.applyBefore(config, List.of(PlatformMigrations.DEFAULT_LOCATION));
        return config.load();
    }

    private static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.execute();
        }
    }

    private static String boundTo(UUID user) throws SQLException {
        try (Connection c = TestPostgres.get().server().connect(DATABASE);
             PreparedStatement ps = c.prepareStatement("SELECT coalesce(auth_provider_id, '-') FROM identity.users WHERE id = ?")) {
            ps.setObject(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void onlyAnInviteesRowThatWasNeverUsedIsUnbound() throws SQLException {
        assertThat(boundTo(NEVER_SIGNED_IN)).isEqualTo("-");
    }

    @Test
    void rowsThatWereUsedStayBoundToTheirSubject() throws SQLException {
        assertThat(boundTo(ACCEPTED)).isEqualTo(ACCEPTED.toString());
        assertThat(boundTo(PENDING_WITH_KEY)).isEqualTo(PENDING_WITH_KEY.toString());
        assertThat(boundTo(PENDING_AND_MEMBER_ELSEWHERE)).isEqualTo(PENDING_AND_MEMBER_ELSEWHERE.toString());
        assertThat(boundTo(SIGNED_IN_WITH_CLAIM)).isEqualTo(SIGNED_IN_WITH_CLAIM.toString());
    }

    @Test
    void noEmailFlagWrittenBeforeTheUpgradeCountsAsVerified() throws SQLException {
        try (Connection c = TestPostgres.get().server().connect(DATABASE);
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM identity.users WHERE email_verified")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }
}
