package io.clp.campaign.client;

import io.clp.campaign.CampaignFixtures;
import io.clp.campaign.HierarchyFixtures;
import io.clp.campaign.HierarchyFixtures.Chain;
import io.clp.campaign.SimulatedDsps;
import io.clp.campaign.metrics.MetricsBatches;
import io.clp.events.campaign.MetricsRecorded;
import io.clp.events.pipeline.MetricsBatch;
import io.clp.testing.EmittedEvent;
import io.clp.testing.EmittedEvents;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.clp.campaign.metrics.MetricsBatches.batch;
import static io.clp.campaign.metrics.MetricsBatches.row;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/**
 * Clients, their advertiser links and CPM rates, and the billed (CPM-adjusted) spend they put on metric rows: at apply
 * time, and recomputed (and announced) when a link or a rate changes.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class ClientBillingTest {

    private static String clients(UUID orgId) {
        return "/api/v1/organizations/" + orgId + "/clients";
    }

    private static RequestSpecification as(User user) {
        return given().auth().oauth2(TestTokens.token(user));
    }

    private static ValidatableResponse json(User user, String method, String path, Object body) {
        return as(user).contentType(ContentType.JSON).body(body).when().request(method, path).then();
    }

    private static UUID createClient(User admin, UUID orgId, String name) {
        return UUID.fromString(json(admin, "POST", clients(orgId), Map.of("name", name, "currency", "EUR"))
                .statusCode(201).extract().path("id"));
    }

    /** The row's client and billed spend, as text ("client|cpm|spend", nulls empty). */
    private static String billed(String level, UUID entityId, String date) {
        return TestDatabase.text("SELECT concat_ws('|', coalesce(client_id::text, ''), coalesce(billed_cpm::text, ''), "
                + "coalesce(billed_spend::text, '')) FROM campaign.campaign_metrics "
                + "WHERE entity_level = ? AND entity_id = ? AND metric_date = CAST(? AS date)", level, entityId, date);
    }

    private static MetricsRecorded recorded(EmittedEvent event) throws Exception {
        return MetricsBatches.JSON.treeToValue(event.payload(), MetricsRecorded.class);
    }

    @Test
    void linksAndRatesPriceEveryLevelExactlyAndEachChangeRepricesOnlyTheDaysItGovernsAndAnnouncesThem() throws Exception {
        Chain chain = HierarchyFixtures.chain(UUID.randomUUID());
        UUID org = chain.orgId();
        User admin = User.member(org, "admin");
        MetricsBatch first = batch(org, List.of(
                row("campaign", chain.campaignId(), "2026-07-31", 1000, 10, 1, 0, "5", "0"),
                row("campaign", chain.campaignId(), "2026-08-14", 12345, 100, 2, 0, "40", "10"),
                row("campaign", chain.campaignId(), "2026-08-15", 12345, 100, 2, 0, "40", "10"),
                row("creative", chain.creativeId(), "2026-08-14", 999, 9, 0, 0, "3", "0")));
        MetricsBatches.publish(first);
        MetricsBatches.awaitRecorded(first.batchId());
        assertThat(billed("campaign", chain.campaignId(), "2026-08-14")).isEqualTo("||");

        UUID client = createClient(admin, org, "Acme Foods");
        String rates = clients(org) + "/" + client + "/cpm-rates/";
        // rates before any campaign is the client's reprice nothing
        json(admin, "PUT", rates + "2026-08-01", Map.of("cpm", "2.5")).statusCode(200)
                .body("rate.cpm", equalTo("2.5000")).body("rate.currency", equalTo("EUR")).body("recomputed.rows", equalTo(0));
        json(admin, "PUT", rates + "2026-08-15", Map.of("cpm", 3.1234)).statusCode(200).body("rate.until", nullValue());

        // linking the advertiser makes its campaign the client's: every row of it, at every level, is repriced
        EmittedEvents.Mark linking = EmittedEvents.mark();
        json(admin, "POST", clients(org) + "/" + client + "/advertisers",
                Map.of("dspAccountId", chain.accountId().toString(), "advertiserId", "adv-1"))
                .statusCode(201)
                .body("advertiser.advertiserId", equalTo("adv-1")).body("advertiser.dspType", equalTo("dv360"))
                .body("advertiser.campaigns", equalTo(1))
                .body("recomputed.rows", equalTo(4)).body("recomputed.campaigns", equalTo(1))
                .body("recomputed.from", equalTo("2026-07-31")).body("recomputed.to", equalTo("2026-08-15"));
        assertThat(billed("campaign", chain.campaignId(), "2026-07-31")).isEqualTo(client + "||"); // before the first rate
        assertThat(billed("campaign", chain.campaignId(), "2026-08-14")).isEqualTo(client + "|2.5000|30.8625000");
        assertThat(billed("campaign", chain.campaignId(), "2026-08-15")).isEqualTo(client + "|3.1234|38.5583730");
        assertThat(billed("creative", chain.creativeId(), "2026-08-14")).isEqualTo(client + "|2.5000|2.4975000");
        MetricsRecorded linked = recorded(EmittedEvents.since(linking).ofType(MetricsRecorded.TYPE).inOrganization(org).single());
        assertThat(linked.cause()).isEqualTo("client-advertisers-changed");
        assertThat(linked.clientId()).isEqualTo(client);
        assertThat(linked.updated()).isEqualTo(4);
        assertThat(linked.executionId()).isNull();
        assertThat(linked.entities()).containsExactly(new MetricsRecorded.Entity("campaign", chain.campaignId()));
        assertThat(linked.dates()).containsExactly(LocalDate.parse("2026-07-31"), LocalDate.parse("2026-08-14"),
                LocalDate.parse("2026-08-15"));

        // a rate in the middle governs its days only, up to the next rate
        EmittedEvents.Mark changing = EmittedEvents.mark();
        json(admin, "PUT", rates + "2026-08-10", Map.of("cpm", "4")).statusCode(200)
                .body("rate.until", equalTo("2026-08-14")).body("recomputed.rows", equalTo(2))
                .body("recomputed.from", equalTo("2026-08-14")).body("recomputed.to", equalTo("2026-08-14"));
        assertThat(billed("campaign", chain.campaignId(), "2026-08-14")).isEqualTo(client + "|4.0000|49.3800000");
        assertThat(billed("creative", chain.creativeId(), "2026-08-14")).isEqualTo(client + "|4.0000|3.9960000");
        assertThat(billed("campaign", chain.campaignId(), "2026-08-15")).isEqualTo(client + "|3.1234|38.5583730");
        MetricsRecorded changed = recorded(EmittedEvents.since(changing).ofType(MetricsRecorded.TYPE).inOrganization(org).single());
        assertThat(changed.cause()).isEqualTo("cpm-rates-changed");
        assertThat(changed.dates()).containsExactly(LocalDate.parse("2026-08-14"));
        // the same rate again changes nothing and announces nothing
        EmittedEvents.Mark again = EmittedEvents.mark();
        json(admin, "PUT", rates + "2026-08-10", Map.of("cpm", "4.0000")).statusCode(200).body("recomputed.rows", equalTo(0));
        assertThat(EmittedEvents.since(again).ofType(MetricsRecorded.TYPE).inOrganization(org).isEmpty()).isTrue();

        // the metrics API shows each day's billed spend and the range's total in the client's currency
        as(admin).queryParams(Map.of("from", "2026-08-01", "to", "2026-08-31")).when()
                .get("/api/v1/organizations/" + org + "/campaigns/" + chain.campaignId() + "/metrics").then().statusCode(200)
                .body("days.billedSpend", equalTo(List.of("49.3800000", "38.5583730")))
                .body("days.billedCpm", equalTo(List.of("4.0000", "3.1234")))
                .body("billing", hasSize(1)).body("billing[0].clientId", equalTo(client.toString()))
                .body("billing[0].currency", equalTo("EUR")).body("billing[0].billedSpend", equalTo("87.9383730"))
                .body("billing[0].unbilledRows", equalTo(0));

        // deleting it gives its days back to the rate before it
        as(admin).when().delete(rates + "2026-08-10").then().statusCode(200).body("rows", equalTo(2));
        assertThat(billed("campaign", chain.campaignId(), "2026-08-14")).isEqualTo(client + "|2.5000|30.8625000");
        as(admin).when().delete(rates + "2026-08-10").then().statusCode(404).contentType("application/problem+json");
        as(User.member(org, "viewer")).when().get(clients(org) + "/" + client + "/cpm-rates").then().statusCode(200)
                .body("items.effectiveDate", equalTo(List.of("2026-08-01", "2026-08-15")))
                .body("items.until", equalTo(java.util.Arrays.asList("2026-08-14", null)))
                .body("items.cpm", equalTo(List.of("2.5000", "3.1234")));

        // a batch recorded after the link is billed as it is applied
        MetricsBatch later = batch(org, List.of(row("line_item", chain.lineItemId(), "2026-08-20", 12345, 1, 0, 0, "9", "0")));
        MetricsBatches.publish(later);
        MetricsBatches.awaitRecorded(later.batchId());
        assertThat(billed("line_item", chain.lineItemId(), "2026-08-20")).isEqualTo(client + "|3.1234|38.5583730");

        // campaigns written later take the client of their advertiser: the linked one, not another
        UUID sameAdvertiser = HierarchyFixtures.campaign(org, chain.accountId(), "Later", "active", "adv-1", "10", null, null, false);
        UUID otherAdvertiser = HierarchyFixtures.campaign(org, chain.accountId(), "Other", "active", "adv-2", "10", null, null, false);
        assertThat(clientOf(sameAdvertiser)).isEqualTo(client.toString());
        assertThat(clientOf(otherAdvertiser)).isEmpty();

        // linking the whole account takes in its other advertisers, the exact link still winning for adv-1
        UUID wholeClient = createClient(admin, org, "Acme Group");
        String wholeLink = json(admin, "POST", clients(org) + "/" + wholeClient + "/advertisers",
                Map.of("dspAccountId", chain.accountId().toString())).statusCode(201)
                .body("advertiser.advertiserId", nullValue()).extract().path("advertiser.id");
        assertThat(clientOf(otherAdvertiser)).isEqualTo(wholeClient.toString());
        assertThat(clientOf(sameAdvertiser)).isEqualTo(client.toString());

        // unlinking the advertiser hands its campaigns to the account's client, which has no rate: no billed spend
        String link = as(admin).when().get(clients(org) + "/" + client + "/advertisers").then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].campaigns", equalTo(2)).extract().path("items[0].id");
        as(admin).when().delete(clients(org) + "/" + client + "/advertisers/" + link).then().statusCode(200)
                .body("rows", equalTo(5));
        assertThat(clientOf(chain.campaignId())).isEqualTo(wholeClient.toString());
        assertThat(billed("campaign", chain.campaignId(), "2026-08-14")).isEqualTo(wholeClient + "||");

        // deleting a client leaves its campaigns and rows without one
        as(admin).when().delete(clients(org) + "/" + wholeClient).then().statusCode(204);
        assertThat(clientOf(chain.campaignId())).isEmpty();
        assertThat(billed("creative", chain.creativeId(), "2026-08-14")).isEqualTo("||");
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.client_advertisers WHERE id = CAST(? AS uuid)", wholeLink))
                .isZero();
        as(admin).when().get(clients(org) + "/" + wholeClient).then().statusCode(404);
    }

    @Test
    void deletingAClientOrAnAccountHandsItsCampaignsOnAndRepricesTheirRows() {
        Chain chain = HierarchyFixtures.chain(UUID.randomUUID());
        UUID org = chain.orgId();
        User admin = User.member(org, "admin");
        MetricsBatch b = batch(org, List.of(row("campaign", chain.campaignId(), "2026-08-14", 2000, 1, 0, 0, "1", "0")));
        MetricsBatches.publish(b);
        MetricsBatches.awaitRecorded(b.batchId());
        UUID advertiserClient = createClient(admin, org, "Advertiser client");
        UUID accountClient = createClient(admin, org, "Account client");
        json(admin, "PUT", clients(org) + "/" + accountClient + "/cpm-rates/2026-01-01", Map.of("cpm", "1.5")).statusCode(200);
        json(admin, "POST", clients(org) + "/" + advertiserClient + "/advertisers",
                Map.of("dspAccountId", chain.accountId().toString(), "advertiserId", "adv-1")).statusCode(201);
        json(admin, "POST", clients(org) + "/" + accountClient + "/advertisers",
                Map.of("dspAccountId", chain.accountId().toString())).statusCode(201);
        assertThat(clientOf(chain.campaignId())).isEqualTo(advertiserClient.toString());

        // the advertiser's client goes: its campaign falls back to the whole account's client, at that client's rate
        as(admin).when().delete(clients(org) + "/" + advertiserClient).then().statusCode(204);
        assertThat(clientOf(chain.campaignId())).isEqualTo(accountClient.toString());
        assertThat(billed("campaign", chain.campaignId(), "2026-08-14")).isEqualTo(accountClient + "|1.5000|3.0000000");

        // the account goes: its campaigns and their rows belong to no client
        as(admin).when().delete("/api/v1/organizations/" + org + "/dsp-accounts/" + chain.accountId()).then().statusCode(204);
        assertThat(clientOf(chain.campaignId())).isEmpty();
        assertThat(billed("campaign", chain.campaignId(), "2026-08-14")).isEqualTo("||");
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.client_advertisers WHERE client_id = ?", accountClient)).isZero();

        // names of white space only, Unicode's included, are refused
        json(admin, "POST", clients(org), Map.of("name", "\u3000", "currency", "EUR")).statusCode(400)
                .body("errors.field", hasItem("name"));
    }

    private static String clientOf(UUID campaignId) {
        return TestDatabase.text("SELECT coalesce(client_id::text, '') FROM campaign.campaigns WHERE id = ?", campaignId);
    }

    @Test
    void badInputOtherOrganizationsIdsAndTakenAdvertisersAreProblemDetails() {
        Chain chain = HierarchyFixtures.chain(UUID.randomUUID());
        Chain other = HierarchyFixtures.chain(UUID.randomUUID());
        UUID org = chain.orgId();
        User admin = User.member(org, "admin");
        UUID client = createClient(admin, org, "Acme");

        json(admin, "POST", clients(org), Map.of("name", "ACME", "currency", "EUR")).statusCode(409)
                .contentType("application/problem+json").body("type", equalTo("urn:clp:problem:client-exists"));
        json(admin, "POST", clients(org), Map.of("name", "Beta", "currency", "eur")).statusCode(400)
                .body("errors.field", hasItem("currency"));
        json(admin, "POST", clients(org), Map.of("name", " ", "currency", "EUR")).statusCode(400)
                .body("errors.field", hasItem("name"));
        json(admin, "POST", clients(org), "{\"name\": \"Beta\", ").statusCode(400).contentType("application/problem+json");
        json(admin, "PATCH", clients(org) + "/" + client, Map.of()).statusCode(400);
        json(admin, "PATCH", clients(org) + "/" + client, Map.of("status", "gone")).statusCode(400)
                .body("errors.field", hasItem("status"));

        String rates = clients(org) + "/" + client + "/cpm-rates/";
        for (String bad : List.of("-1", "1.23456", "abc", "1000000")) {
            json(admin, "PUT", rates + "2026-01-01", Map.of("cpm", bad)).statusCode(400).body("errors.field", hasItem("cpm"));
        }
        for (String bad : List.of("2026-13-01", "1999-12-31", "tomorrow")) {
            json(admin, "PUT", rates + bad, Map.of("cpm", "1")).statusCode(400).body("errors.field", hasItem("effectiveDate"));
        }
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.client_cpm_rates WHERE client_id = ?", client)).isZero();

        // another organization's account is not one to link; another organization's client does not exist here
        json(admin, "POST", clients(org) + "/" + client + "/advertisers", Map.of("dspAccountId", other.accountId().toString()))
                .statusCode(400).body("errors.field", hasItem("dspAccountId"));
        UUID foreign = CampaignFixtures.client(other.orgId(), "Foreign");
        as(admin).when().get(clients(org) + "/" + foreign).then().statusCode(404).contentType("application/problem+json");
        json(admin, "PUT", clients(org) + "/" + foreign + "/cpm-rates/2026-01-01", Map.of("cpm", "1")).statusCode(404);
        as(admin).when().delete(clients(org) + "/" + foreign).then().statusCode(404);
        as(User.member(other.orgId(), "admin")).when().get(clients(org) + "/" + client).then().statusCode(404);

        // an advertiser belongs to one client
        json(admin, "POST", clients(org) + "/" + client + "/advertisers",
                Map.of("dspAccountId", chain.accountId().toString(), "advertiserId", "adv-1")).statusCode(201);
        UUID second = createClient(admin, org, "Second");
        json(admin, "POST", clients(org) + "/" + second + "/advertisers",
                Map.of("dspAccountId", chain.accountId().toString(), "advertiserId", "adv-1")).statusCode(409)
                .body("type", equalTo("urn:clp:problem:advertiser-linked"));
        // a disabled client takes no new links
        json(admin, "PATCH", clients(org) + "/" + second, Map.of("status", "disabled")).statusCode(200)
                .body("status", equalTo("disabled"));
        json(admin, "POST", clients(org) + "/" + second + "/advertisers", Map.of("dspAccountId", chain.accountId().toString()))
                .statusCode(409).body("type", equalTo("urn:clp:problem:client-disabled"));
        as(admin).queryParam("status", "disabled").when().get(clients(org)).then().statusCode(200)
                .body("items.name", equalTo(List.of("Second")));
        // only an admin changes what is billed
        json(User.member(org, "developer"), "PUT", rates + "2026-01-01", Map.of("cpm", "1")).statusCode(403);
    }
}
