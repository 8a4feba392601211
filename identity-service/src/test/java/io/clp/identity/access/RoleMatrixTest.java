package io.clp.identity.access;

import io.clp.identity.IdentityFixtures;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.RoleMatrixContract;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

/**
 * Each role against each identity endpoint gets exactly what platform-core's permission matrix says
 * (see {@link RoleMatrixContract}); the seeded tables equal the matrix.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class RoleMatrixTest extends RoleMatrixContract<RoleMatrixTest.Fixture> {

    record Fixture(User caller, UUID orgId, UUID targetUserId, UUID grantId, UUID callerKeyId) {
    }

    static final String NEW_KEY = "{\"name\": \"ci\", \"scopes\": [\"campaign:read\"], \"expiresAt\": \""
            + Instant.now().plus(Duration.ofDays(30)) + "\"}";

    @Override
    protected Fixture fixture(Role role) {
        UUID orgId = IdentityFixtures.organizationOf(User.withoutOrganizations());
        User caller = IdentityFixtures.memberOf(orgId, role.id());
        User target = IdentityFixtures.memberOf(orgId, "viewer");
        return new Fixture(caller, orgId, target.id(), IdentityFixtures.grantTo(orgId, target.id()),
                IdentityFixtures.apiKeyOf(orgId, caller.id()));
    }

    @Override
    protected String token(Fixture fixture) {
        return TestTokens.token(fixture.caller());
    }

    @Override
    protected List<Endpoint<Fixture>> endpoints() {
        return ENDPOINTS;
    }

    static final List<Endpoint<Fixture>> ENDPOINTS = List.of(
            new Endpoint<>("read organization", Permission.ORGANIZATION_READ,
                    (r, f) -> r.get("/api/v1/organizations/" + f.orgId())),
            new Endpoint<>("update organization", Permission.ORGANIZATION_UPDATE,
                    (r, f) -> r.contentType(ContentType.JSON).body("{\"industry\": \"retail\"}")
                            .patch("/api/v1/organizations/" + f.orgId())),
            new Endpoint<>("read quotas", Permission.QUOTA_READ,
                    (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/quotas")),
            new Endpoint<>("list members", Permission.MEMBER_READ,
                    (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/members")),
            new Endpoint<>("invite a member", Permission.MEMBER_INVITE,
                    (r, f) -> r.contentType(ContentType.JSON)
                            .body("{\"email\": \"new-" + UUID.randomUUID() + "@clp.test\", \"role\": \"viewer\"}")
                            .post("/api/v1/organizations/" + f.orgId() + "/invitations")),
            new Endpoint<>("change a member's role", Permission.MEMBER_UPDATE,
                    (r, f) -> r.contentType(ContentType.JSON).body("{\"role\": \"analyst\"}")
                            .patch("/api/v1/organizations/" + f.orgId() + "/members/" + f.targetUserId())),
            new Endpoint<>("remove a member", Permission.MEMBER_REMOVE,
                    (r, f) -> r.delete("/api/v1/organizations/" + f.orgId() + "/members/" + f.targetUserId())),
            new Endpoint<>("list grants", Permission.ENTITY_PERMISSION_READ,
                    (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/grants")),
            new Endpoint<>("grant on an entity", Permission.ENTITY_PERMISSION_GRANT,
                    (r, f) -> r.contentType(ContentType.JSON).body("{\"userId\": \"" + f.targetUserId()
                                    + "\", \"entityType\": \"pipeline\", \"entityId\": \"" + UUID.randomUUID()
                                    + "\", \"permissions\": [\"execute\"]}")
                            .post("/api/v1/organizations/" + f.orgId() + "/grants")),
            new Endpoint<>("revoke a grant", Permission.ENTITY_PERMISSION_REVOKE,
                    (r, f) -> r.delete("/api/v1/organizations/" + f.orgId() + "/grants/" + f.grantId())),
            new Endpoint<>("list API keys", Permission.API_KEY_READ,
                    (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/api-keys")),
            new Endpoint<>("create an API key", Permission.API_KEY_CREATE,
                    (r, f) -> r.contentType(ContentType.JSON).body(NEW_KEY)
                            .post("/api/v1/organizations/" + f.orgId() + "/api-keys")),
            new Endpoint<>("revoke one's own API key", Permission.API_KEY_REVOKE,
                    (r, f) -> r.delete("/api/v1/organizations/" + f.orgId() + "/api-keys/" + f.callerKeyId())),
            new Endpoint<>("delete organization", Permission.ORGANIZATION_DELETE,
                    (r, f) -> r.delete("/api/v1/organizations/" + f.orgId())));

    @Test
    void theSeededRoleTablesEqualTheMatrixAndTheApiShowsThem() {
        for (Permission p : Permission.values()) {
            for (Role role : Role.values()) {
                long rows = TestDatabase.count("""
                        SELECT count(*) FROM identity.role_permissions rp JOIN identity.permissions pm ON pm.id = rp.permission_id
                        WHERE rp.role = CAST(? AS identity.user_role) AND pm.resource = ? AND pm.action = ?""",
                        role.id(), p.resource(), p.action());
                assertThat(rows).as(role + " " + p.scope()).isEqualTo(p.grantedTo(role) ? 1 : 0);
            }
        }
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.permissions")).isEqualTo(Permission.values().length);

        given().auth().oauth2(TestTokens.token(User.withoutOrganizations()))
                .when().get("/api/v1/roles")
                .then().statusCode(200)
                .body("find { it.role == 'viewer' }.permissions", hasItem("campaign:read"))
                .body("find { it.role == 'admin' }.permissions", hasItem("organization:delete"));
    }
}
