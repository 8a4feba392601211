package io.clp.campaign;

import io.clp.dsp.Dsp;
import io.clp.dspsim.Catalog;
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
import java.util.Map;
import java.util.UUID;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class CampaignRoleMatrixTest extends RoleMatrixContract<CampaignRoleMatrixTest.Fixture> {

    record Fixture(UUID orgId, UUID accountId, HierarchyFixtures.Chain chain, UUID clientId, User caller) {
    }

    @Override
    protected Fixture fixture(Role role) {
        UUID orgId = UUID.randomUUID();
        Fixture f = new Fixture(orgId, CampaignFixtures.dspAccount(orgId, "Matrix"), HierarchyFixtures.chain(orgId),
                CampaignFixtures.client(orgId, "Matrix client"), User.member(orgId, role.id()));
        // the chain is the client's, and a client member holds a view grant on the client: what the role allows is
        // then visible to them (ClientIsolationTest: what is not)
        CampaignFixtures.linkAccount(orgId, f.clientId(), f.chain().accountId());
        CampaignFixtures.grant(orgId, f.caller().id(), "client", f.clientId(), "view");
        return f;
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
                new Endpoint<>("list campaigns", Permission.CAMPAIGN_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/campaigns?nameContains=chain&sort=budget")),
                new Endpoint<>("read a campaign", Permission.CAMPAIGN_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/campaigns/" + f.chain().campaignId())),
                new Endpoint<>("list a campaign's insertion orders", Permission.CAMPAIGN_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/campaigns/" + f.chain().campaignId()
                                + "/insertion-orders")),
                new Endpoint<>("read an insertion order", Permission.CAMPAIGN_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/insertion-orders/" + f.chain().insertionOrderId())),
                new Endpoint<>("list an insertion order's line items", Permission.CAMPAIGN_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/insertion-orders/" + f.chain().insertionOrderId()
                                + "/line-items")),
                new Endpoint<>("read a line item", Permission.CAMPAIGN_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/line-items/" + f.chain().lineItemId())),
                new Endpoint<>("list a line item's creatives", Permission.CAMPAIGN_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/line-items/" + f.chain().lineItemId()
                                + "/creatives")),
                new Endpoint<>("read a creative", Permission.CAMPAIGN_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/creatives/" + f.chain().creativeId())),
                new Endpoint<>("read a campaign's metrics", Permission.METRICS_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/campaigns/" + f.chain().campaignId()
                                + "/metrics?from=2026-01-01&to=2026-01-31&level=line_item")),
                new Endpoint<>("list an account's sync runs", Permission.DSP_ACCOUNT_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/dsp-accounts/" + f.accountId() + "/sync-runs")),
                new Endpoint<>("sync a DSP account now", Permission.DSP_ACCOUNT_SYNC,
                        (r, f) -> r.post("/api/v1/organizations/" + f.orgId() + "/dsp-accounts/" + f.accountId() + "/sync")),
                // validated by the simulated DSP (needs the Meta connector)
                new Endpoint<>("connect a DSP account", Permission.DSP_ACCOUNT_CREATE,
                        (r, f) -> r.contentType(ContentType.JSON).body(Map.of("dspType", "meta",
                                        "externalAccountId", SimulatedDsps.smallAccount(Dsp.META),
                                        "credentials", Map.of("access_token", Catalog.META_TOKEN)))
                                .post("/api/v1/organizations/" + f.orgId() + "/dsp-accounts")),
                new Endpoint<>("read summaries", Permission.METRICS_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/summaries?grain=week&from=2026-01-01&to=2026-01-31")),
                new Endpoint<>("read a summary's ranking", Permission.METRICS_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/summaries/top?grain=week&period=2026-01-05")),
                new Endpoint<>("read a campaign's series", Permission.METRICS_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/campaigns/" + f.chain().campaignId()
                                + "/metrics/series?grain=month&from=2026-01-01&to=2026-03-31")),
                new Endpoint<>("read a campaign's pacing", Permission.METRICS_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/campaigns/" + f.chain().campaignId() + "/pacing")),
                new Endpoint<>("list clients", Permission.CLIENT_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/clients")),
                new Endpoint<>("read a client", Permission.CLIENT_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/clients/" + f.clientId())),
                new Endpoint<>("read a client's CPM rates", Permission.CLIENT_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/clients/" + f.clientId() + "/cpm-rates")),
                new Endpoint<>("read a client's advertisers", Permission.CLIENT_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/clients/" + f.clientId() + "/advertisers")),
                new Endpoint<>("create a client", Permission.CLIENT_MANAGE,
                        (r, f) -> r.contentType(ContentType.JSON).body(Map.of("name", "New client", "currency", "EUR"))
                                .post("/api/v1/organizations/" + f.orgId() + "/clients")),
                new Endpoint<>("rename a client", Permission.CLIENT_MANAGE,
                        (r, f) -> r.contentType(ContentType.JSON).body(Map.of("name", "Renamed client"))
                                .patch("/api/v1/organizations/" + f.orgId() + "/clients/" + f.clientId())),
                new Endpoint<>("set a client's CPM", Permission.CLIENT_MANAGE,
                        (r, f) -> r.contentType(ContentType.JSON).body(Map.of("cpm", "2.5"))
                                .put("/api/v1/organizations/" + f.orgId() + "/clients/" + f.clientId() + "/cpm-rates/2026-01-01")),
                new Endpoint<>("link an advertiser to a client", Permission.CLIENT_MANAGE,
                        (r, f) -> r.contentType(ContentType.JSON).body(Map.of("dspAccountId", f.accountId().toString()))
                                .post("/api/v1/organizations/" + f.orgId() + "/clients/" + f.clientId() + "/advertisers")),
                new Endpoint<>("delete a client", Permission.CLIENT_MANAGE,
                        (r, f) -> r.delete("/api/v1/organizations/" + f.orgId() + "/clients/" + f.clientId())),
                new Endpoint<>("delete a DSP account", Permission.DSP_ACCOUNT_DELETE,
                        (r, f) -> r.delete("/api/v1/organizations/" + f.orgId() + "/dsp-accounts/" + f.accountId())));
    }
}
