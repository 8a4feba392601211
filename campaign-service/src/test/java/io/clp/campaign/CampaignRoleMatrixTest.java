package io.clp.campaign;

import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.RoleMatrixContract;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import java.util.List;
import java.util.UUID;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
class CampaignRoleMatrixTest extends RoleMatrixContract<CampaignRoleMatrixTest.Fixture> {

    record Fixture(UUID orgId, UUID accountId, User caller) {
    }

    @Override
    protected Fixture fixture(Role role) {
        UUID orgId = UUID.randomUUID();
        return new Fixture(orgId, CampaignFixtures.dspAccount(orgId, "Matrix"), User.member(orgId, role.id()));
    }

    @Override
    protected String token(Fixture fixture) {
        return TestTokens.token(fixture.caller());
    }

    @Override
    protected List<Endpoint<Fixture>> endpoints() {
        return List.of(
                new Endpoint<>("list DSP accounts", Permission.DSP_ACCOUNT_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/dsp-accounts")),
                new Endpoint<>("read a DSP account", Permission.DSP_ACCOUNT_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/dsp-accounts/" + f.accountId())),
                new Endpoint<>("rename a DSP account", Permission.DSP_ACCOUNT_UPDATE,
                        (r, f) -> r.contentType(ContentType.JSON).body("{\"displayName\": \"Renamed\"}")
                                .patch("/api/v1/organizations/" + f.orgId() + "/dsp-accounts/" + f.accountId())),
                new Endpoint<>("list an account's sync runs", Permission.DSP_ACCOUNT_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/dsp-accounts/" + f.accountId() + "/sync-runs")),
                new Endpoint<>("sync a DSP account now", Permission.DSP_ACCOUNT_SYNC,
                        (r, f) -> r.post("/api/v1/organizations/" + f.orgId() + "/dsp-accounts/" + f.accountId() + "/sync")));
    }
}
