package db.migration;

import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Seeds {@code permissions} and {@code role_permissions} from platform-core's {@link Permission}
 * matrix, the one every service enforces. Repeatable: its checksum is the matrix's, so it runs again
 * whenever the matrix changes and leaves the tables equal to it.
 */
public class R__Permission_matrix extends BaseJavaMigration {

    @Override
    public Integer getChecksum() {
        StringBuilder text = new StringBuilder();
        for (Permission p : Permission.values()) {
            text.append(p.scope()).append(p.roles()).append(';');
        }
        return text.toString().hashCode();
    }

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (PreparedStatement upsert = c.prepareStatement("""
                INSERT INTO permissions (resource, action, description) VALUES (?, ?, ?)
                ON CONFLICT (resource, action) DO UPDATE SET description = EXCLUDED.description""");
             Statement st = c.createStatement()) {
            for (Permission p : Permission.values()) {
                upsert.setString(1, p.resource());
                upsert.setString(2, p.action());
                upsert.setString(3, p.action() + " " + p.resource().replace('_', ' '));
                upsert.addBatch();
            }
            upsert.executeBatch();
            st.execute("DELETE FROM role_permissions");
            StringBuilder known = new StringBuilder();
            for (Permission p : Permission.values()) {
                known.append(known.isEmpty() ? "" : ",").append("('").append(p.resource()).append("','")
                        .append(p.action()).append("')");
            }
            st.execute("DELETE FROM permissions WHERE (resource, action) NOT IN (" + known + ")");
        }
        // the roles the schema knows: a migration run stopped short of the version that adds a role (a target) seeds
        // the others; the full run adds the role first, versioned migrations running before repeatable ones
        Set<String> known = new HashSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT unnest(enum_range(NULL::user_role))::text")) {
            while (rs.next()) {
                known.add(rs.getString(1));
            }
        }
        try (PreparedStatement grant = c.prepareStatement("""
                INSERT INTO role_permissions (role, permission_id)
                SELECT CAST(? AS user_role), id FROM permissions WHERE resource = ? AND action = ?""")) {
            for (Permission p : Permission.values()) {
                for (Role role : p.roles()) {
                    if (!known.contains(role.id())) {
                        continue;
                    }
                    grant.setString(1, role.name().toLowerCase(Locale.ROOT));
                    grant.setString(2, p.resource());
                    grant.setString(3, p.action());
                    grant.addBatch();
                }
            }
            grant.executeBatch();
        }
    }
}
