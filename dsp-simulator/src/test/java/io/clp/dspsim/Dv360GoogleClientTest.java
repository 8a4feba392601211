package io.clp.dspsim;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import io.clp.dspsim.GoogleApiClients.DisplayVideo;
import io.clp.dspsim.GoogleApiClients.ListResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Google's Java API client, configured with nothing but the simulator's base URL and its OAuth token endpoint, reads
 * DV360 v4 from the simulator as it would from {@code displayvideo.googleapis.com}.
 */
class Dv360GoogleClientTest {

    static DspSimulator simulator;
    static DisplayVideo dv360;

    @BeforeAll
    static void start() {
        simulator = DspSimulator.start("127.0.0.1", 0, 11L);
        dv360 = GoogleApiClients.displayVideo(simulator, GoogleApiClients.credentials(simulator));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @AfterEach
    void disarm() {
        simulator.simulation().faults().clear();
    }

    static SimAccount account(String id) {
        return simulator.simulation().catalog().account("dv360", id).orElseThrow();
    }

    static long visible(SimAccount account, int level) {
        return account.entities(level).stream().filter(e -> !e.removed()).count();
    }

    /** Every id of a collection, read page by page with pageToken until the client gets no nextPageToken. */
    static List<Long> readAll(long advertiserId, String collection, Function<ListResponse, List<Long>> ids, int pageSize,
                              List<Integer> pageSizes) throws Exception {
        List<Long> all = new ArrayList<>();
        String token = null;
        do {
            ListResponse page = dv360.list(advertiserId, collection).setPageSize(pageSize).setPageToken(token).execute();
            pageSizes.add(page.entityCount());
            all.addAll(ids.apply(page));
            token = page.nextPageToken;
        } while (token != null);
        return all;
    }

    @Test
    void theClientPagesThroughEachLevelOfAnAdvertiserAndCountsWhatTheSimulatorHolds() throws Exception {
        SimAccount account = account("1000001");
        List<Integer> pages = new ArrayList<>();

        List<Long> campaigns = readAll(1000001, "campaigns", p -> p.campaigns.stream().map(c -> c.campaignId).toList(), 7, pages);
        List<Long> insertionOrders = readAll(1000001, "insertionOrders",
                p -> p.insertionOrders.stream().map(io -> io.insertionOrderId).toList(), 13, new ArrayList<>());
        List<Long> lineItems = readAll(1000001, "lineItems", p -> p.lineItems.stream().map(li -> li.lineItemId).toList(),
                50, new ArrayList<>());
        List<Long> creatives = readAll(1000001, "creatives", p -> p.creatives.stream().map(c -> c.creativeId).toList(),
                200, new ArrayList<>());

        assertThat(campaigns).hasSize((int) visible(account, SimEntity.CAMPAIGN)).doesNotHaveDuplicates();
        assertThat(pages).hasSize((int) Math.ceil(campaigns.size() / 7.0)).allSatisfy(n -> assertThat(n).isBetween(1, 7));
        assertThat(insertionOrders).hasSize((int) visible(account, SimEntity.INSERTION_ORDER)).doesNotHaveDuplicates();
        assertThat(lineItems).hasSize((int) visible(account, SimEntity.LINE_ITEM)).doesNotHaveDuplicates();
        assertThat(creatives).hasSize((int) visible(account, SimEntity.CREATIVE)).doesNotHaveDuplicates();
        assertThat(campaigns.getFirst()).isEqualTo(Long.parseLong(account.entity(SimEntity.CAMPAIGN, 0).id()));
    }

    @Test
    void typedFieldsParseIntoTheClientsModelTypes() throws Exception {
        SimAccount account = account("1000002");
        SimEntity simLineItem = account.entity(SimEntity.LINE_ITEM, 0);

        var lineItem = dv360.list(1000002, "lineItems").setPageSize(1).execute().lineItems.getFirst();
        var creative = dv360.list(1000002, "creatives").setPageSize(1).execute().creatives.getFirst();
        var insertionOrder = dv360.list(1000002, "insertionOrders").setPageSize(1).execute().insertionOrders.getFirst();
        var advertiser = dv360.advertiser(1000002).execute();

        assertThat(lineItem.lineItemId).isEqualTo(Long.parseLong(simLineItem.id()));
        assertThat(lineItem.budget.maxAmount).isEqualTo(simLineItem.budget().movePointRight(6).longValueExact());
        assertThat(lineItem.flight.dateRange.startDate.toLocalDate()).isEqualTo(simLineItem.startDate());
        assertThat(lineItem.creativeIds).hasSize(2).doesNotContainNull();
        assertThat(creative.creativeId).isPositive();
        assertThat(creative.dimensions.widthPixels).isPositive();
        assertThat(creative.lineItemIds).containsExactly(lineItem.lineItemId);
        assertThat(insertionOrder.budget.budgetSegments.getFirst().budgetAmountMicros).isPositive();
        assertThat(BigDecimal.valueOf(insertionOrder.budget.budgetSegments.getFirst().budgetAmountMicros, 6))
                .isEqualByComparingTo(account.entity(SimEntity.INSERTION_ORDER, 0).budget());
        assertThat(advertiser.generalConfig.currencyCode).isEqualTo("EUR");
        assertThat(advertiser.generalConfig.timeZone).isEqualTo("Europe/Berlin");
    }

    @Test
    void aFilterAsTheClientEncodesItSelectsWhatTheSimulatorWouldAndAnEmptyPageHasNoList() throws Exception {
        SimAccount account = account("1000001");
        long paused = account.entities(SimEntity.CAMPAIGN).stream()
                .filter(e -> !e.removed() && Dv360Api.status(e).equals("ENTITY_STATUS_PAUSED")).count();

        ListResponse page = dv360.list(1000001, "campaigns").setPageSize(200)
                .setFilter("entityStatus=\"ENTITY_STATUS_PAUSED\" AND updateTime>=\"2000-01-01T00:00:00Z\"").execute();
        ListResponse none = dv360.list(1000001, "campaigns").setFilter("updateTime>=\"2099-01-01T00:00:00Z\"").execute();

        assertThat(paused).isPositive();
        assertThat(page.campaigns).hasSize((int) paused)
                .allSatisfy(c -> assertThat(c.entityStatus).isEqualTo("ENTITY_STATUS_PAUSED"));
        assertThat(none.campaigns).isNull();
        assertThat(none.nextPageToken).isNull();
    }

    @Test
    void aCreativeWithoutACampaignManagerPlacementLeavesTheInt64FieldOut() throws Exception {
        // DV360 sends no cmPlacementId for a creative not synced from Campaign Manager; an empty string is not an int64
        var page = dv360.list(1000001, "creatives").setPageSize(3).execute();

        assertThat(page.creatives).hasSize(3).allSatisfy(c -> assertThat(c.cmPlacementId).isNull());
    }

    @Test
    void anUnknownAdvertiserIsAGoogleJsonErrorWithStatusPermissionDenied() {
        assertThatThrownBy(() -> dv360.list(1999999, "campaigns").execute())
                .isInstanceOfSatisfying(GoogleJsonResponseException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(403);
                    assertThat(e.getDetails().getCode()).isEqualTo(403);
                    assertThat(e.getDetails().get("status")).isEqualTo("PERMISSION_DENIED");
                });
    }

    @Test
    void anUnknownEntityIsNotFound() {
        assertThatThrownBy(() -> dv360.list(1000001, "adGroupsThatDoNotExist").execute())
                .isInstanceOfSatisfying(GoogleJsonResponseException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(404);
                    assertThat(e.getDetails().get("status")).isEqualTo("NOT_FOUND");
                });
    }

    @Test
    void aMalformedFilterIsInvalidArgument() {
        assertThatThrownBy(() -> dv360.list(1000001, "campaigns").setFilter("budget>3").execute())
                .isInstanceOfSatisfying(GoogleJsonResponseException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getDetails().get("status")).isEqualTo("INVALID_ARGUMENT");
                });
    }

    @Test
    void aThrottleArmedThroughTheAdminApiIsA429ResourceExhaustedWithRetryInfoAndErrorInfo() throws Exception {
        HttpResponse<String> armed = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                        URI.create(simulator.baseUrl("/admin/faults")))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"dsp\":\"dv360\",\"account\":\"1000001\",\"type\":\"THROTTLE\",\"count\":1,\"retryAfterSeconds\":7}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(armed.statusCode()).isEqualTo(201);

        assertThatThrownBy(() -> dv360.list(1000001, "lineItems").execute())
                .isInstanceOfSatisfying(GoogleJsonResponseException.class, e -> {
                    GoogleJsonError error = e.getDetails();
                    assertThat(e.getStatusCode()).isEqualTo(429);
                    assertThat(error.getCode()).isEqualTo(429);
                    assertThat(error.get("status")).isEqualTo("RESOURCE_EXHAUSTED");
                    assertThat(error.getDetails()).extracting(GoogleJsonError.Details::getType).containsExactly(
                            "type.googleapis.com/google.rpc.RetryInfo", "type.googleapis.com/google.rpc.ErrorInfo");
                    assertThat(error.getDetails().get(0).get("retryDelay")).isEqualTo("7s");
                    assertThat(error.getDetails().get(1).getReason()).isEqualTo("RATE_LIMIT_EXCEEDED");
                });
        assertThat(dv360.list(1000001, "lineItems").setPageSize(1).execute().lineItems).hasSize(1);
    }

    @Test
    void anExpiredTokenIsRefreshedByTheAuthLibraryAndTheCallRetried() throws Exception {
        dv360.list(1000001, "campaigns").setPageSize(1).execute(); // holds a token now
        simulator.simulation().faults().arm("dv360", "1000001", new Fault(Fault.Type.EXPIRED_TOKEN, 1, 1, 0));

        ListResponse page = dv360.list(1000001, "campaigns").setPageSize(2).execute();

        assertThat(page.campaigns).hasSize(2);
    }
}
