package io.clp.campaign.hierarchy;

import io.clp.campaign.SimulatedDsps;
import io.clp.campaign.HierarchyFixtures;
import io.clp.campaign.HierarchyFixtures.Chain;
import io.clp.events.identity.GrantIssued;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestEvents;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.clp.campaign.HierarchyFixtures.campaign;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class CampaignHierarchyResourceTest {

    private static final List<String> SORTS = List.of("name", "startDate", "endDate", "budget", "updatedAt", "createdAt");

    private static String base(UUID orgId) {
        return "/api/v1/organizations/" + orgId;
    }

    private static JsonPath get(User user, String path, Map<String, ?> params) {
        return given().auth().oauth2(TestTokens.token(user)).queryParams(params).when().get(path)
                .then().statusCode(200).extract().jsonPath();
    }

    private static List<String> names(User user, UUID orgId, Map<String, ?> params) {
        Map<String, Object> all = new LinkedHashMap<>(params);
        all.put("limit", 200);
        return get(user, base(orgId) + "/campaigns", all).getList("items.name");
    }

    @Test
    void eachFilterNarrowsTheListToTheCampaignsItDescribes() {
        UUID orgId = UUID.randomUUID();
        UUID dv360 = HierarchyFixtures.account(orgId, "dv360");
        UUID ttd = HierarchyFixtures.account(orgId, "ttd");
        campaign(orgId, dv360, "Summer Sale", "active", "adv-1", "100.00", "2026-06-01", "2026-08-31", false);
        campaign(orgId, dv360, "Winter 50%_off", "paused", "adv-2", "50.00", "2026-12-01", "2027-01-31", false);
        campaign(orgId, ttd, "summer brand", "draft", "adv-1", null, "2026-05-15", null, false);
        campaign(orgId, ttd, "Old summer", "archived", "adv-3", "10", "2025-01-01", "2025-02-01", true);
        User viewer = User.member(orgId, "viewer");

        assertThat(names(viewer, orgId, Map.of())).containsExactlyInAnyOrder("Summer Sale", "Winter 50%_off", "summer brand");
        assertThat(names(viewer, orgId, Map.of("dspType", "ttd"))).containsExactly("summer brand");
        assertThat(names(viewer, orgId, Map.of("dspType", List.of("ttd", "dv360")))).hasSize(3);
        assertThat(names(viewer, orgId, Map.of("dspAccountId", dv360))).containsExactlyInAnyOrder("Summer Sale", "Winter 50%_off");
        assertThat(names(viewer, orgId, Map.of("status", "paused"))).containsExactly("Winter 50%_off");
        assertThat(names(viewer, orgId, Map.of("status", List.of("paused", "draft"))))
                .containsExactlyInAnyOrder("Winter 50%_off", "summer brand");
        assertThat(names(viewer, orgId, Map.of("advertiserId", "adv-1"))).containsExactlyInAnyOrder("Summer Sale", "summer brand");
        assertThat(names(viewer, orgId, Map.of("nameContains", "SUMMER"))).containsExactlyInAnyOrder("Summer Sale", "summer brand");
        // LIKE wildcards in the text are matched literally
        assertThat(names(viewer, orgId, Map.of("nameContains", "50%_"))).containsExactly("Winter 50%_off");
        assertThat(names(viewer, orgId, Map.of("nameContains", "%"))).containsExactly("Winter 50%_off");
        assertThat(names(viewer, orgId, Map.of("startDateFrom", "2026-06-01"))).containsExactlyInAnyOrder("Summer Sale", "Winter 50%_off");
        assertThat(names(viewer, orgId, Map.of("startDateTo", "2026-06-01"))).containsExactlyInAnyOrder("Summer Sale", "summer brand");
        assertThat(names(viewer, orgId, Map.of("endDateFrom", "2026-09-01"))).containsExactly("Winter 50%_off");
        assertThat(names(viewer, orgId, Map.of("endDateTo", "2026-08-31"))).containsExactly("Summer Sale");
        assertThat(names(viewer, orgId, Map.of("includeRemoved", true))).hasSize(4).contains("Old summer");
        assertThat(names(viewer, orgId, Map.of("includeRemoved", true, "status", "archived", "nameContains", "summer",
                "dspType", "ttd", "advertiserId", "adv-3"))).containsExactly("Old summer");
        assertThat(names(viewer, orgId, Map.of("dspType", "meta"))).isEmpty();
    }

    @Test
    void aCampaignShowsItsMoneyDatesAndSyncStateAndNeverAnotherOrganizationsRows() {
        UUID orgId = UUID.randomUUID();
        UUID account = HierarchyFixtures.account(orgId, "meta");
        UUID id = campaign(orgId, account, "Money", "active", "adv-9", "1234.5", "2026-03-01", "2026-03-31", false);
        campaign(UUID.randomUUID(), HierarchyFixtures.account(UUID.randomUUID(), "meta"), "Elsewhere");
        given().auth().oauth2(TestTokens.token(User.member(orgId, "analyst"))).when().get(base(orgId) + "/campaigns")
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("nextCursor", nullValue())
                .body("items[0].id", equalTo(id.toString()))
                .body("items[0].dspType", equalTo("meta"))
                .body("items[0].dspAccountId", equalTo(account.toString()))
                .body("items[0].externalId", equalTo("c-" + id))
                .body("items[0].budget.amount", equalTo("1234.50"))
                .body("items[0].budget.currency", equalTo("EUR"))
                .body("items[0].startDate", equalTo("2026-03-01"))
                .body("items[0].endDate", equalTo("2026-03-31"))
                .body("items[0].status", equalTo("active"))
                .body("items[0].nativeStatus", equalTo("ACTIVE"))
                .body("items[0].pacing.mode", equalTo("even"))
                .body("items[0].labels", hasItem("brand"))
                .body("items[0].syncVersion", equalTo(3))
                .body("items[0].removedAt", nullValue())
                .body("items[0]", not(hasKey("children")));
    }

    @Test
    void theListWritesEachCampaignExactlyAsTheCampaignItselfReads() {
        UUID orgId = UUID.randomUUID();
        UUID account = HierarchyFixtures.account(orgId, "google_ads");
        List<UUID> ids = new ArrayList<>();
        // amounts of every scale, instants whole, to the millisecond and to the microsecond, an empty pacing, text to escape, a removal
        ids.add(campaign(orgId, account, "A whole", "active", "adv-1", "1000", "2026-03-01", "2026-03-31", false));
        ids.add(campaign(orgId, account, "B micro", "paused", null, "0.123456", null, null, true));
        ids.add(campaign(orgId, account, "C none", "draft", "adv-2", null, "2026-01-01", null, false));
        ids.add(campaign(orgId, account, "D cents", "active", "adv-3", "99.9", "2025-12-31", "2027-01-01", false));
        TestDatabase.execute("UPDATE campaign.campaigns SET created_at = '2026-03-01 09:30:00+00', "
                + "dsp_updated_at = '2026-02-28 23:59:59.123456+00', last_synced_at = NULL WHERE id = ?", ids.get(0));
        TestDatabase.execute("UPDATE campaign.campaigns SET pacing = '{}', labels = '[]', created_at = '2026-03-01 09:30:00.25+00', advertiser_name = 'Brand \"quoted\" \\ name', "
                + "removed_at = '2026-04-01 00:00:00.000001+00' WHERE id = ?", ids.get(1));
        TestDatabase.execute("UPDATE campaign.campaigns SET pacing = '{\"mode\": \"ahead\", \"rate\": 1.25, \"dailyMax\": 12345678.9, \"caps\": [1, 2]}', "
                + "labels = '[\"a\", {\"k\": \"v\"}]', budget_type = 'daily' WHERE id = ?", ids.get(2));
        User viewer = User.member(orgId, "viewer");

        JsonPath page = get(viewer, base(orgId) + "/campaigns", Map.of("includeRemoved", true));
        // the last page names no next one: no nextCursor at all, as every page of the API
        assertThat(page.getMap("$")).containsOnlyKeys("items");
        List<Map<String, Object>> listed = page.getList("items");
        assertThat(listed).extracting(c -> c.get("id")).containsExactly(ids.stream().map(UUID::toString).toArray());
        for (int i = 0; i < ids.size(); i++) {
            Map<String, Object> one = get(viewer, base(orgId) + "/campaigns/" + ids.get(i), Map.of()).getMap("$");
            one.remove("children");
            assertThat(listed.get(i)).as("campaign %d", i).isEqualTo(one);
        }
        Map<String, Object> first = listed.get(0);
        assertThat(first.get("createdAt")).isEqualTo("2026-03-01T09:30:00Z");
        assertThat(first.get("dspUpdatedAt")).isEqualTo("2026-02-28T23:59:59.123456Z");
        assertThat(first.get("budget")).isEqualTo(Map.of("amount", "1000.00", "currency", "EUR"));
        assertThat(listed.get(1).get("removedAt")).isEqualTo("2026-04-01T00:00:00.000001Z");
        assertThat(listed.get(1).get("budget")).isEqualTo(Map.of("amount", "0.123456", "currency", "EUR"));
        assertThat(listed.get(1).get("createdAt")).isEqualTo("2026-03-01T09:30:00.250Z");
        assertThat(listed.get(1).get("advertiserName")).isEqualTo("Brand \"quoted\" \\ name");
        // the JSON columns are shown as kept, in the list and in the campaign's own read: no decimal turned binary float
        for (String path : List.of("/campaigns?includeRemoved=true", "/campaigns/" + ids.get(2))) {
            String body = given().auth().oauth2(TestTokens.token(viewer)).when().get(base(orgId) + path)
                    .then().statusCode(200).extract().asString();
            assertThat(body).as(path).contains("12345678.9").doesNotContain("1.23456789E7");
        }
    }

    @Test
    void everySortPagesThroughAllCampaignsWithoutDuplicatesOrGapsEvenOnTiedAndMissingKeys() {
        UUID orgId = UUID.randomUUID();
        UUID account = HierarchyFixtures.account(orgId, "dv360");
        // ties on every key (same name, dates, budget) and missing dates and budgets
        for (int i = 0; i < 13; i++) {
            campaign(orgId, account, i % 3 == 0 ? "Same name" : "Campaign " + (char) ('a' + i % 5), "active", "adv",
                    i % 4 == 0 ? null : String.valueOf(10 * (i % 3)), i % 5 == 0 ? null : "2026-01-0" + (1 + i % 2),
                    i % 6 == 0 ? null : "2026-02-0" + (1 + i % 3), false);
        }
        User viewer = User.member(orgId, "viewer");
        for (String sort : SORTS) {
            for (String order : List.of("asc", "desc")) {
                List<String> whole = get(viewer, base(orgId) + "/campaigns", Map.of("sort", sort, "order", order, "limit", 200))
                        .getList("items.id");
                List<String> paged = new ArrayList<>();
                String cursor = null;
                int pages = 0;
                do {
                    Map<String, Object> params = new LinkedHashMap<>(Map.of("sort", sort, "order", order, "limit", 3));
                    if (cursor != null) {
                        params.put("cursor", cursor);
                    }
                    JsonPath page = get(viewer, base(orgId) + "/campaigns", params);
                    paged.addAll(page.getList("items.id"));
                    cursor = page.getString("nextCursor");
                    pages++;
                } while (cursor != null && pages < 20);
                assertThat(paged).as(sort + " " + order).hasSize(13).doesNotHaveDuplicates().isEqualTo(whole);
            }
        }
        // keys in order, missing ones last in both directions
        List<String> budgetsAsc = amounts(get(viewer, base(orgId) + "/campaigns", Map.of("sort", "budget", "limit", 200)));
        assertThat(budgetsAsc.subList(0, 9)).containsExactly("0.00", "0.00", "0.00", "10.00", "10.00", "10.00",
                "20.00", "20.00", "20.00");
        assertThat(budgetsAsc.subList(9, 13)).containsOnlyNulls();
        List<String> budgetsDesc = amounts(get(viewer, base(orgId) + "/campaigns",
                Map.of("sort", "budget", "order", "desc", "limit", 200)));
        assertThat(budgetsDesc.get(0)).isEqualTo("20.00");
        assertThat(budgetsDesc.subList(9, 13)).containsOnlyNulls();
    }

    private static List<String> amounts(JsonPath page) {
        List<Map<String, String>> budgets = page.getList("items.budget");
        return budgets.stream().map(b -> b == null ? null : b.get("amount")).toList();
    }

    @Test
    void aCursorIsRefusedUnderAnotherSortOrOrder() {
        UUID orgId = UUID.randomUUID();
        UUID account = HierarchyFixtures.account(orgId, "dv360");
        campaign(orgId, account, "One");
        campaign(orgId, account, "Two");
        User viewer = User.member(orgId, "viewer");
        String cursor = get(viewer, base(orgId) + "/campaigns", Map.of("sort", "budget", "limit", 1)).getString("nextCursor");
        assertThat(cursor).isNotNull();
        for (Map<String, Object> params : List.of(Map.<String, Object>of("sort", "name", "cursor", cursor),
                Map.<String, Object>of("cursor", cursor),
                Map.<String, Object>of("sort", "budget", "order", "desc", "cursor", cursor),
                Map.<String, Object>of("sort", "budget", "cursor", "not-a-cursor"))) {
            given().auth().oauth2(TestTokens.token(viewer)).queryParams(params).when().get(base(orgId) + "/campaigns")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo("urn:clp:problem:validation"))
                    .body("errors[0].field", equalTo("cursor"));
        }
        get(viewer, base(orgId) + "/campaigns", Map.of("sort", "budget", "cursor", cursor));
    }

    @Test
    void eachInvalidParameterIsRefusedWithAProblemNamingIt() {
        UUID orgId = UUID.randomUUID();
        HierarchyFixtures.account(orgId, "dv360");
        User viewer = User.member(orgId, "viewer");
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("dspType", "myspace");
        bad.put("dspAccountId", "not-a-uuid");
        bad.put("status", "running");
        bad.put("startDateFrom", "yesterday");
        bad.put("startDateTo", "2026-13-01");
        bad.put("endDateFrom", "2026/01/01");
        bad.put("endDateTo", "01-01-2026");
        bad.put("includeRemoved", "yes");
        bad.put("sort", "price");
        bad.put("order", "up");
        bad.put("limit", "0");
        for (Map.Entry<String, String> param : bad.entrySet()) {
            given().auth().oauth2(TestTokens.token(viewer)).queryParam(param.getKey(), param.getValue())
                    .when().get(base(orgId) + "/campaigns")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors.field", hasItem(param.getKey()));
        }
        given().auth().oauth2(TestTokens.token(viewer)).queryParams(Map.of("limit", "many", "order", "up"))
                .when().get(base(orgId) + "/campaigns").then().statusCode(400)
                .body("errors.field", equalTo(List.of("order", "limit")));
        UUID campaignId = campaign(orgId, HierarchyFixtures.account(orgId, "ttd"), "Kids");
        for (String params : List.of("limit=201", "limit=x", "includeRemoved=maybe", "cursor=%25%25")) {
            given().auth().oauth2(TestTokens.token(viewer)).when()
                    .get(base(orgId) + "/campaigns/" + campaignId + "/insertion-orders?" + params)
                    .then().statusCode(400).contentType("application/problem+json");
        }
    }

    @Test
    void oneEntityComesWithItsChildrenCountedAndChildListsPageAndHideRemovedOnes() {
        UUID orgId = UUID.randomUUID();
        UUID account = HierarchyFixtures.account(orgId, "dv360");
        UUID campaignId = campaign(orgId, account, "Parent");
        List<UUID> orders = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            orders.add(HierarchyFixtures.insertionOrder(campaignId, "IO " + i, false));
        }
        UUID removedOrder = HierarchyFixtures.insertionOrder(campaignId, "IO removed", true);
        UUID item = HierarchyFixtures.lineItem(orders.get(0), "LI", false);
        HierarchyFixtures.lineItem(orders.get(0), "LI removed", true);
        UUID creative = HierarchyFixtures.creative(item, "Creative", false);
        UUID removedCreative = HierarchyFixtures.creative(item, "Creative removed", true);
        User viewer = User.member(orgId, "viewer");
        String base = base(orgId);

        JsonPath campaign = get(viewer, base + "/campaigns/" + campaignId, Map.of());
        assertThat(campaign.getInt("children.insertionOrders")).isEqualTo(5);
        assertThat(campaign.getInt("children.lineItems")).isEqualTo(1);
        assertThat(campaign.getInt("children.creatives")).isEqualTo(1);

        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, Object> params = new LinkedHashMap<>(Map.of("limit", 2));
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            JsonPath page = get(viewer, base + "/campaigns/" + campaignId + "/insertion-orders", params);
            paged.addAll(page.getList("items.id"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertThat(paged).containsExactlyElementsOf(orders.stream().map(UUID::toString).toList());
        assertThat(get(viewer, base + "/campaigns/" + campaignId + "/insertion-orders",
                Map.of("includeRemoved", true, "limit", 200)).getList("items.id", String.class)).contains(removedOrder.toString());

        JsonPath order = get(viewer, base + "/insertion-orders/" + orders.get(0), Map.of());
        assertThat(order.getString("campaignId")).isEqualTo(campaignId.toString());
        assertThat(order.getString("budget.amount")).isEqualTo("2500.00");
        assertThat(order.getInt("children.lineItems")).isEqualTo(1);
        assertThat(order.getInt("children.creatives")).isEqualTo(1);
        assertThat(get(viewer, base + "/insertion-orders/" + orders.get(0) + "/line-items", Map.of()).getList("items.id"))
                .containsExactly(item.toString());
        assertThat(get(viewer, base + "/insertion-orders/" + orders.get(0) + "/line-items", Map.of("includeRemoved", true))
                .getList("items.id")).hasSize(2);

        JsonPath lineItem = get(viewer, base + "/line-items/" + item, Map.of());
        assertThat(lineItem.getString("budget.amount")).isEqualTo("0.123456");
        assertThat(lineItem.getString("insertionOrderId")).isEqualTo(orders.get(0).toString());
        assertThat(lineItem.getInt("children.creatives")).isEqualTo(1);
        assertThat(get(viewer, base + "/line-items/" + item + "/creatives", Map.of()).getList("items.id"))
                .containsExactly(creative.toString());
        assertThat(get(viewer, base + "/line-items/" + item + "/creatives", Map.of("includeRemoved", true))
                .getList("items.id")).containsExactlyInAnyOrder(creative.toString(), removedCreative.toString());

        JsonPath shown = get(viewer, base + "/creatives/" + removedCreative, Map.of());
        assertThat(shown.getString("status")).isEqualTo("removed");
        assertThat(shown.getString("removedAt")).isNotNull();
        assertThat(shown.getString("lineItemId")).isEqualTo(item.toString());
    }

    private static List<String> everyEntityPath(Chain c) {
        String base = base(c.orgId());
        return List.of(base + "/campaigns/" + c.campaignId(), base + "/campaigns/" + c.campaignId() + "/insertion-orders",
                base + "/insertion-orders/" + c.insertionOrderId(), base + "/insertion-orders/" + c.insertionOrderId() + "/line-items",
                base + "/line-items/" + c.lineItemId(), base + "/line-items/" + c.lineItemId() + "/creatives",
                base + "/creatives/" + c.creativeId());
    }

    @Test
    void anotherOrganizationsIdsAreNotFoundThroughOnesOwnOrganization() {
        Chain theirs = HierarchyFixtures.chain(UUID.randomUUID());
        UUID mine = UUID.randomUUID();
        HierarchyFixtures.account(mine, "dv360");
        User admin = User.member(mine, "admin");
        for (String path : everyEntityPath(theirs)) {
            String own = path.replace(theirs.orgId().toString(), mine.toString());
            given().auth().oauth2(TestTokens.token(admin)).when().get(own)
                    .then().statusCode(404).contentType("application/problem+json");
        }
        assertThat(names(admin, mine, Map.of("includeRemoved", true))).isEmpty();
    }

    private static GrantIssued viewGrant(UUID orgId, UUID userId, String type, UUID entityId) {
        return new GrantIssued(UUID.randomUUID(), orgId, userId, type, entityId, List.of("view"), null, UUID.randomUUID(),
                Instant.now().truncatedTo(ChronoUnit.MICROS), 0L);
    }

    private static int status(User user, String path) {
        return given().auth().oauth2(TestTokens.token(user)).when().get(path).then().extract().statusCode();
    }

    @Test
    void aViewGrantOnALineItemLetsAMemberWithoutCampaignReadReadThatLineItemOnly() {
        Chain chain = HierarchyFixtures.chain(UUID.randomUUID());
        UUID otherItem = HierarchyFixtures.lineItem(chain.insertionOrderId(), "Not granted", false);
        // a member whose role carries no campaign:read (no role CLP knows): only grants can open anything
        User guest = User.member(chain.orgId(), "guest");
        String base = base(chain.orgId());
        for (String path : everyEntityPath(chain)) {
            assertThat(status(guest, path)).as(path).isEqualTo(403);
        }
        assertThat(status(guest, base + "/campaigns")).isEqualTo(403);

        TestEvents.publish(viewGrant(chain.orgId(), guest.id(), "line_item", chain.lineItemId()));
        await().atMost(Duration.ofSeconds(30)).until(() -> status(guest, base + "/line-items/" + chain.lineItemId()) == 200);
        assertThat(status(guest, base + "/line-items/" + chain.lineItemId() + "/creatives")).isEqualTo(200);
        assertThat(status(guest, base + "/line-items/" + otherItem)).isEqualTo(403);
        assertThat(status(guest, base + "/insertion-orders/" + chain.insertionOrderId())).isEqualTo(403);
        assertThat(status(guest, base + "/campaigns/" + chain.campaignId())).isEqualTo(403);
        assertThat(status(guest, base + "/campaigns")).isEqualTo(403);
        // an id of no entity of the organization is 404 whatever the caller's grants
        assertThat(status(guest, base + "/line-items/" + UUID.randomUUID())).isEqualTo(404);
        assertThat(new HashSet<>(List.of(status(User.member(chain.orgId(), "guest"), base + "/line-items/" + chain.lineItemId()))))
                .containsExactly(403);
    }

    @Test
    void aViewGrantOnACampaignOpensEverythingBelowItButNotTheCampaignList() {
        Chain chain = HierarchyFixtures.chain(UUID.randomUUID());
        UUID sibling = HierarchyFixtures.campaign(chain.orgId(), chain.accountId(), "Sibling");
        UUID siblingOrder = HierarchyFixtures.insertionOrder(sibling, "Sibling IO", false);
        User guest = User.member(chain.orgId(), "guest");
        String base = base(chain.orgId());
        TestEvents.publish(viewGrant(chain.orgId(), guest.id(), "campaign", chain.campaignId()));
        await().atMost(Duration.ofSeconds(30)).until(() -> status(guest, base + "/campaigns/" + chain.campaignId()) == 200);
        for (String path : everyEntityPath(chain)) {
            assertThat(status(guest, path)).as(path).isEqualTo(200);
        }
        assertThat(status(guest, base + "/campaigns/" + sibling)).isEqualTo(403);
        assertThat(status(guest, base + "/insertion-orders/" + siblingOrder)).isEqualTo(403);
        assertThat(status(guest, base + "/campaigns")).isEqualTo(403);
    }
}
