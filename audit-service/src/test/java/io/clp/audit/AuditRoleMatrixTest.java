package io.clp.audit;

import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.RoleMatrixContract;
import io.clp.testing.TestOrganizations;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;
import java.util.UUID;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "audit"))
class AuditRoleMatrixTest extends RoleMatrixContract<AuditRoleMatrixTest.Fixture> {

    record Fixture(UUID orgId, User caller) {
    }

    @Override
    protected Fixture fixture(Role role) {
        UUID orgId = TestOrganizations.known("audit", UUID.randomUUID());
        return new Fixture(orgId, User.member(orgId, role.id()));
    }

    @Override
    protected String token(Fixture fixture) {
        return TestTokens.token(fixture.caller());
    }

    @Override
    protected List<Endpoint<Fixture>> endpoints() {
        return List.of(new Endpoint<>("read the audit trail", Permission.AUDIT_LOG_READ,
                (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/audit-logs")));
    }
}
