package io.clp.identity;

import io.clp.testing.PlatformTestResource;
import io.clp.testing.ServiceBootContract;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class IdentityServiceBootTest extends ServiceBootContract {

    @Override
    protected String service() {
        return "identity";
    }

    @Override
    protected List<String> tables() {
        return List.of("organizations", "users", "org_memberships", "auth_tokens", "permissions", "role_permissions", "entity_permissions", "tenant_quotas");
    }

    @Override
    protected List<String> orgScopedTables() {
        return List.of("organizations", "org_memberships", "auth_tokens", "entity_permissions", "tenant_quotas");
    }
}
