package io.clp.identity;

import io.clp.platform.messaging.EventProjection;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.ServiceBootContract;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.inject.Any;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

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

    /** identity owns organizations and grants: the read models' channels (configured in platform-tenancy) stay unconnected. */
    @Test
    void keepsNoReadModelOfTheOrganizationsAndGrantsItOwns() {
        assertThat(Arc.container().select(EventProjection.class, Any.Literal.INSTANCE).isUnsatisfied()).isTrue();
        String ready = given().when().get("/q/health/ready").then().statusCode(200).extract().asString();
        assertThat(ready).doesNotContain("\"organizations\"", "\"organization-states\"", "\"entity-grants\"", "\"grant-states\"");
    }
}
