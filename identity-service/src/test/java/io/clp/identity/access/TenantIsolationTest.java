package io.clp.identity.access;

import io.clp.identity.IdentityFixtures;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TenantIsolationContract;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import java.util.List;
import java.util.UUID;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class TenantIsolationTest extends TenantIsolationContract<TenantIsolationTest.OrgA> {

    record OrgA(UUID id, UUID memberId, UUID grantId, UUID keyId) {
    }

    @Override
    protected OrgA organizationA() {
        UUID orgId = IdentityFixtures.organizationOf(User.withoutOrganizations());
        UUID member = IdentityFixtures.memberOf(orgId, "developer").id();
        return new OrgA(orgId, member, IdentityFixtures.grantTo(orgId, member), IdentityFixtures.apiKeyOf(orgId, member));
    }

    @Override
    protected String memberOfAnotherOrganization() {
        User b = User.withoutOrganizations();
        IdentityFixtures.organizationOf(b);
        return TestTokens.token(b);
    }

    @Override
    protected List<Endpoint<OrgA>> endpoints() {
        return List.of(
                new Endpoint<>("GET organization", (r, a) -> r.get("/api/v1/organizations/" + a.id())),
                new Endpoint<>("PATCH organization", (r, a) -> r.contentType(ContentType.JSON)
                        .body("{\"name\": \"Taken over\"}").patch("/api/v1/organizations/" + a.id())),
                new Endpoint<>("DELETE organization", (r, a) -> r.delete("/api/v1/organizations/" + a.id())),
                new Endpoint<>("GET quotas", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/quotas")),
                new Endpoint<>("GET members", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/members")),
                new Endpoint<>("PATCH member", (r, a) -> r.contentType(ContentType.JSON)
                        .body("{\"role\": \"admin\"}").patch("/api/v1/organizations/" + a.id() + "/members/" + a.memberId())),
                new Endpoint<>("POST invitation", (r, a) -> r.contentType(ContentType.JSON)
                        .body("{\"email\": \"intruder@clp.test\", \"role\": \"admin\"}")
                        .post("/api/v1/organizations/" + a.id() + "/invitations")),
                new Endpoint<>("GET grants", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/grants")),
                new Endpoint<>("POST grant", (r, a) -> r.contentType(ContentType.JSON)
                        .body("{\"userId\": \"" + a.memberId() + "\", \"entityType\": \"rule\", \"entityId\": \""
                                + UUID.randomUUID() + "\", \"permissions\": [\"delete\"]}")
                        .post("/api/v1/organizations/" + a.id() + "/grants")),
                new Endpoint<>("DELETE grant", (r, a) -> r.delete("/api/v1/organizations/" + a.id() + "/grants/" + a.grantId())),
                new Endpoint<>("GET api keys", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/api-keys")),
                new Endpoint<>("POST api key", (r, a) -> r.contentType(ContentType.JSON)
                        .body("{\"name\": \"x\", \"scopes\": [\"campaign:read\"], \"expiresAt\": \"2099-01-01T00:00:00Z\"}")
                        .post("/api/v1/organizations/" + a.id() + "/api-keys")),
                new Endpoint<>("DELETE api key", (r, a) -> r.delete("/api/v1/organizations/" + a.id() + "/api-keys/" + a.keyId())),
                new Endpoint<>("DELETE member", (r, a) -> r.delete("/api/v1/organizations/" + a.id() + "/members/" + a.memberId())));
    }

    @Override
    protected String fingerprint(OrgA a) {
        return TestDatabase.count("SELECT count(*) FROM identity.organizations WHERE id = ? AND name LIKE 'Org %' AND deleted_at IS NULL", a.id())
                + "/" + TestDatabase.count("SELECT count(*) FROM identity.org_memberships WHERE org_id = ?", a.id())
                + "/" + TestDatabase.count("SELECT count(*) FROM identity.org_memberships WHERE org_id = ? AND role = 'admin'", a.id())
                + "/" + TestDatabase.count("SELECT count(*) FROM identity.entity_permissions WHERE org_id = ?", a.id())
                + "/" + TestDatabase.count("SELECT count(*) FROM identity.auth_tokens WHERE org_id = ? AND is_active", a.id());
    }
}
