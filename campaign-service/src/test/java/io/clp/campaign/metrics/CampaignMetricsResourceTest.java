package io.clp.campaign.metrics;

import io.clp.campaign.HierarchyFixtures;
import io.clp.campaign.HierarchyFixtures.Chain;
import io.clp.campaign.SimulatedDsps;
import io.clp.events.identity.GrantIssued;
import io.clp.events.pipeline.MetricsBatch;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestEvents;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.clp.campaign.metrics.MetricsBatches.batch;
import static io.clp.campaign.metrics.MetricsBatches.row;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

/** Who may read a campaign's metrics, and how a bad request is answered. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class CampaignMetricsResourceTest {

    private static String path(UUID orgId, UUID campaignId) {
        return "/api/v1/organizations/" + orgId + "/campaigns/" + campaignId + "/metrics";
    }

    private static ValidatableResponse get(User user, String path, Map<String, ?> params) {
        return given().auth().oauth2(TestTokens.token(user)).queryParams(params).when().get(path).then();
    }

    private static Chain withMetrics() {
        Chain chain = HierarchyFixtures.chain(UUID.randomUUID());
        MetricsBatch batch = batch(chain.orgId(), List.of(row("campaign", chain.campaignId(), "2026-08-01", 10, 1, 0, 0, "1", "2")));
        MetricsBatches.publish(batch);
        await().atMost(Duration.ofSeconds(30)).until(() -> MetricsBatches.rowsOfBatch(batch.batchId()) == 1);
        return chain;
    }

    @Test
    void badDatesLevelsAndRangesAreProblemDetailsNamingTheField() {
        Chain chain = HierarchyFixtures.chain(UUID.randomUUID());
        User admin = User.member(chain.orgId(), "admin");
        String path = path(chain.orgId(), chain.campaignId());
        Map<Map<String, String>, String> bad = Map.of(
                Map.of("from", "2026-13-01", "to", "2026-12-31"), "from",
                Map.of("from", "2026-01-01", "to", "yesterday"), "to",
                Map.of("from", "2026-03-01", "to", "2026-02-01"), "from",
                Map.of("from", "2025-01-01", "to", "2026-02-05"), "to",
                Map.of("from", "2026-01-01", "to", "2026-01-02", "level", "ad_group"), "level",
                // dates a parser takes but no metric has: they once overflowed the date arithmetic into a 500
                Map.of("to", "-999999999-01-01"), "to",
                Map.of("from", "+10000-01-01", "to", "+10000-01-02"), "from",
                Map.of("from", "1999-12-31", "to", "2000-01-01"), "from");
        bad.forEach((params, field) -> get(admin, path, params).statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem(field)));
        // 400 days exactly is allowed
        get(admin, path, Map.of("from", "2025-01-01", "to", "2026-02-04")).statusCode(200).body("days", hasSize(0));
    }

    @Test
    void readersOfTheOrganizationSeeItsMetricsAndNobodyElseDoes() {
        Chain chain = withMetrics();
        Chain other = withMetrics();
        Map<String, String> range = Map.of("from", "2026-08-01", "to", "2026-08-31");
        for (String role : List.of("admin", "developer", "analyst", "viewer")) {
            get(User.member(chain.orgId(), role), path(chain.orgId(), chain.campaignId()), range).statusCode(200)
                    .body("days", hasSize(1));
        }
        // a member of another organization: the organization does not exist for them
        get(User.member(other.orgId(), "admin"), path(chain.orgId(), chain.campaignId()), range).statusCode(404);
        // another organization's campaign under one's own organization: not found, whatever the role
        get(User.member(chain.orgId(), "admin"), path(chain.orgId(), other.campaignId()), range).statusCode(404)
                .contentType("application/problem+json");
        // a member without metrics:read and without a grant
        get(User.member(chain.orgId(), "guest"), path(chain.orgId(), chain.campaignId()), range).statusCode(403)
                .contentType("application/problem+json");
        given().when().get(path(chain.orgId(), chain.campaignId())).then().statusCode(401);
    }

    @Test
    void aViewGrantOnTheCampaignOpensItsMetricsAndNoOtherCampaigns() {
        Chain chain = withMetrics();
        UUID sibling = HierarchyFixtures.campaign(chain.orgId(), chain.accountId(), "Sibling");
        User guest = User.member(chain.orgId(), "guest");
        Map<String, String> range = Map.of("from", "2026-08-01", "to", "2026-08-31");
        TestEvents.publish(new GrantIssued(UUID.randomUUID(), chain.orgId(), guest.id(), "campaign", chain.campaignId(),
                List.of("view"), null, UUID.randomUUID(), Instant.now().truncatedTo(ChronoUnit.MICROS), 0L));
        await().atMost(Duration.ofSeconds(30)).until(() -> get(guest, path(chain.orgId(), chain.campaignId()), range)
                .extract().statusCode() == 200);
        assertThat(get(guest, path(chain.orgId(), chain.campaignId()), range).extract().jsonPath().getList("days"))
                .hasSize(1);
        get(guest, path(chain.orgId(), sibling), range).statusCode(403);
    }
}
