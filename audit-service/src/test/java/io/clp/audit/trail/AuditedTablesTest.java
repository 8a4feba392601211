package io.clp.audit.trail;

import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AuditedTablesTest {

    @Test
    void anAdminSeesEveryTableWhateverThePermissionsSay() {
        AuditedTables.Visible visible = AuditedTables.visibleTo(Set.of(Role.ADMIN), permission -> false);
        assertThat(visible.all()).isTrue();
    }

    @Test
    void anAnalystSeesTheTablesOfTheResourcesTheirRoleReads() {
        AuditedTables.Visible visible = AuditedTables.visibleTo(Set.of(Role.ANALYST), p -> p.grantedTo(Role.ANALYST));
        assertThat(visible.all()).isFalse();
        assertThat(visible.tables().get("identity")).contains("organizations", "org_memberships")
                .doesNotContain("auth_tokens", "entity_permissions");
        assertThat(visible.tables().get("campaign")).contains("dsp_accounts");
    }

    @Test
    void anApiKeyWithoutRolesSeesOnlyTheTablesItsScopesRead() {
        AuditedTables.Visible visible = AuditedTables.visibleTo(Set.of(), Set.of(Permission.API_KEY_READ)::contains);
        assertThat(visible.all()).isFalse();
        assertThat(visible.tables()).containsOnlyKeys("identity");
        assertThat(visible.tables().get("identity")).containsExactly("auth_tokens");
    }

    @Test
    void aReaderWhoReadsNothingSeesNoTable() {
        assertThat(AuditedTables.visibleTo(Set.of(Role.VIEWER), permission -> false).tables()).isEmpty();
    }
}
