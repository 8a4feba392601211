package io.clp.campaign;

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
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class DspAccountTenantIsolationTest extends TenantIsolationContract<DspAccountTenantIsolationTest.OrgA> {

    record OrgA(UUID id, UUID accountId, HierarchyFixtures.Chain chain) {
    }

    @Override
    protected OrgA organizationA() {
        UUID orgId = UUID.randomUUID();
        return new OrgA(orgId, CampaignFixtures.dspAccount(orgId, "Org A account"), HierarchyFixtures.chain(orgId));
    }

    @Override
    protected String memberOfAnotherOrganization() {
        return TestTokens.token(User.member(UUID.randomUUID(), "admin"));
    }

    @Override
    protected List<Endpoint<OrgA>> endpoints() {
        return List.of(
                new Endpoint<>("GET dsp accounts", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/dsp-accounts")),
                new Endpoint<>("GET dsp account", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/dsp-accounts/" + a.accountId())),
                new Endpoint<>("PATCH dsp account", (r, a) -> r.contentType(ContentType.JSON).body("{\"active\": false}")
                        .patch("/api/v1/organizations/" + a.id() + "/dsp-accounts/" + a.accountId())),
                new Endpoint<>("GET campaigns", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/campaigns?includeRemoved=true")),
                new Endpoint<>("GET campaign", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/campaigns/" + a.chain().campaignId())),
                new Endpoint<>("GET campaign insertion orders", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/campaigns/"
                        + a.chain().campaignId() + "/insertion-orders")),
                new Endpoint<>("GET insertion order", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/insertion-orders/"
                        + a.chain().insertionOrderId())),
                new Endpoint<>("GET insertion order line items", (r, a) -> r.get("/api/v1/organizations/" + a.id()
                        + "/insertion-orders/" + a.chain().insertionOrderId() + "/line-items")),
                new Endpoint<>("GET line item", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/line-items/"
                        + a.chain().lineItemId())),
                new Endpoint<>("GET line item creatives", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/line-items/"
                        + a.chain().lineItemId() + "/creatives")),
                new Endpoint<>("GET creative", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/creatives/"
                        + a.chain().creativeId())),
                new Endpoint<>("PATCH dsp account credentials", (r, a) -> r.contentType(ContentType.JSON)
                        .body("{\"credentials\": {\"access_token\": \"x\"}}")
                        .patch("/api/v1/organizations/" + a.id() + "/dsp-accounts/" + a.accountId())),
                new Endpoint<>("POST dsp account", (r, a) -> r.contentType(ContentType.JSON)
                        .body("{\"dspType\": \"meta\", \"externalAccountId\": \"act_2000001\", \"credentials\": {\"access_token\": \"x\"}}")
                        .post("/api/v1/organizations/" + a.id() + "/dsp-accounts")),
                new Endpoint<>("DELETE dsp account", (r, a) -> r.delete("/api/v1/organizations/" + a.id() + "/dsp-accounts/" + a.accountId())));
    }

    @Override
    protected String fingerprint(OrgA a) {
        return CampaignFixtures.displayName(a.accountId()) + "/"
                + TestDatabase.count("SELECT count(*) FROM campaign.dsp_accounts WHERE id = ? AND is_active", a.accountId()) + "/"
                + TestDatabase.count("SELECT count(*) FROM campaign.dsp_accounts WHERE org_id = ?", a.id()) + "/"
                + TestDatabase.text("SELECT encode(credentials_encrypted, 'hex') FROM campaign.dsp_account_credentials WHERE account_id = ?",
                        a.accountId());
    }
}
