package io.clp.identity.access;

import io.clp.identity.IdentityFixtures;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The second wall: as identity-service's own database role, a query without any org filter sees only
 * what the transaction was scoped to, and cannot write into another organization.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class RowLevelSecurityTest {

    private static long count(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void set(Connection c, String name, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config(?, ?, true)")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.executeQuery();
        }
    }

    @Test
    void anUnfilteredQuerySeesOnlyTheScopedOrganization() throws Exception {
        User alice = User.withoutOrganizations();
        UUID a = IdentityFixtures.organizationOf(alice);
        UUID b = IdentityFixtures.organizationOf(User.withoutOrganizations());

        try (Connection c = TestDatabase.asService("identity")) {
            c.setAutoCommit(false);
            // no scope at all: nothing
            assertThat(count(c, "SELECT count(*) FROM identity.organizations WHERE id IN (?, ?)", a, b)).isZero();
            assertThat(count(c, "SELECT count(*) FROM identity.org_memberships WHERE org_id IN (?, ?)", a, b)).isZero();

            set(c, "clp.org_ids", a.toString());
            assertThat(count(c, "SELECT count(*) FROM identity.organizations WHERE id IN (?, ?)", a, b)).isEqualTo(1);
            assertThat(count(c, "SELECT count(*) FROM identity.org_memberships WHERE org_id = ?", b)).isZero();
            assertThat(count(c, "SELECT count(*) FROM identity.org_memberships WHERE org_id = ?", a)).isEqualTo(1);

            // writing into another organization is refused by the policy itself
            try (Statement st = c.createStatement()) {
                st.execute("SAVEPOINT before_write");
            }
            assertThatThrownBy(() -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO identity.org_memberships (org_id, user_id, role) VALUES (?, ?, 'admin')")) {
                    ps.setObject(1, b);
                    ps.setObject(2, alice.id());
                    ps.executeUpdate();
                }
            }).hasMessageContaining("row-level security");
            try (Statement st = c.createStatement()) {
                st.execute("ROLLBACK TO SAVEPOINT before_write");
            }
            c.rollback();

            // a user sees the organizations they belong to, and their own memberships
            set(c, "clp.user_id", alice.id().toString());
            assertThat(count(c, "SELECT count(*) FROM identity.organizations WHERE id IN (?, ?)", a, b)).isEqualTo(1);
            assertThat(count(c, "SELECT count(*) FROM identity.org_memberships WHERE user_id = ?", alice.id())).isEqualTo(1);
            c.rollback();

            // the service acting for itself sees every organization
            set(c, "clp.scope", "system");
            assertThat(count(c, "SELECT count(*) FROM identity.organizations WHERE id IN (?, ?)", a, b)).isEqualTo(2);
            c.rollback();
        }
    }
}
