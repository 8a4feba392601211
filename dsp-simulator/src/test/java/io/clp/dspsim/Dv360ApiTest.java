package io.clp.dspsim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** DV360's and Bid Manager's wire shapes as a Google API client sees them. */
class Dv360ApiTest {

    static DspSimulator simulator;
    static HttpClient client = HttpClient.newHttpClient();
    static String token;

    @BeforeAll
    static void start() throws Exception {
        simulator = DspSimulator.start("127.0.0.1", 0, 7L);
        token = GoogleApiClients.accessToken(simulator);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    static HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(simulator.baseUrl("/dv360") + path));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return SimExchange.JSON.readTree(r.body());
    }

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void aCallWithoutAValidTokenIsUnauthenticatedInGooglesShape() throws Exception {
        HttpResponse<String> r = get("/v4/advertisers/1000001", "ya29.forged");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).path("error").path("status").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(json(r).path("error").path("code").asInt()).isEqualTo(401);
    }

    @Test
    void theAdvertiserCarriesItsGeneralConfig() throws Exception {
        JsonNode a = json(get("/v4/advertisers/1000002", token));

        assertThat(a.path("displayName").asText()).isEqualTo("Acme Global DV360");
        assertThat(a.path("generalConfig").path("currencyCode").asText()).isEqualTo("EUR");
        assertThat(a.path("generalConfig").path("timeZone").asText()).isEqualTo("Europe/Berlin");
    }

    @Test
    void anUnknownAdvertiserIsPermissionDenied() throws Exception {
        HttpResponse<String> r = get("/v4/advertisers/1999999/campaigns", token);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(json(r).path("error").path("status").asText()).isEqualTo("PERMISSION_DENIED");
    }

    @Test
    void pageSizeOutsideOneToTwoHundredIsInvalidArgument() throws Exception {
        for (String size : new String[]{"0", "201", "ten"}) {
            HttpResponse<String> r = get("/v4/advertisers/1000001/lineItems?pageSize=" + size, token);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(json(r).path("error").path("status").asText()).isEqualTo("INVALID_ARGUMENT");
        }
    }

    @Test
    void anUnparseableFilterIsInvalidArgument() throws Exception {
        for (String filter : new String[]{"updateTime>=\"yesterday\"", "entityStatus=\"LIVE\"", "budget>3", "updateTime>"}) {
            HttpResponse<String> r = get("/v4/advertisers/1000001/campaigns?filter=" + q(filter), token);
            assertThat(r.statusCode()).as(filter).isEqualTo(400);
        }
    }

    @Test
    void filtersCombineWithAndAndAnEmptyListLeavesTheFieldOut() throws Exception {
        JsonNode paused = json(get("/v4/advertisers/1000001/campaigns?filter="
                + q("entityStatus=\"ENTITY_STATUS_PAUSED\" AND updateTime>=\"2026-01-01T00:00:00Z\""), token));
        JsonNode none = json(get("/v4/advertisers/1000001/campaigns?filter=" + q("updateTime>=\"2099-01-01T00:00:00Z\""), token));

        assertThat(paused.path("campaigns")).isNotEmpty()
                .allSatisfy(c -> assertThat(c.path("entityStatus").asText()).isEqualTo("ENTITY_STATUS_PAUSED"));
        assertThat(none.has("campaigns")).isFalse();
        assertThat(none.has("nextPageToken")).isFalse();
    }

    @Test
    void moneyIsMicrosAsStringsAndDatesAreGoogleDates() throws Exception {
        JsonNode li = json(get("/v4/advertisers/1000001/lineItems?pageSize=1", token)).path("lineItems").get(0);
        SimEntity sim = simulator.simulation().catalog().account("dv360", "1000001").orElseThrow().entity(SimEntity.LINE_ITEM, 0);

        assertThat(li.path("budget").path("maxAmount").isTextual()).isTrue();
        assertThat(li.path("budget").path("maxAmount").asText()).isEqualTo(sim.budget().movePointRight(6).toBigInteger().toString());
        assertThat(li.path("flight").path("dateRange").path("startDate").path("year").asInt()).isEqualTo(sim.startDate().getYear());
        assertThat(li.path("creativeIds")).hasSize(2);
    }

    @Test
    void aRemovedLineItemIsGoneFromListsAndReads() throws Exception {
        SimAccount account = simulator.simulation().catalog().add("dv360", "1000077", "Removal test", "UTC", "USD", 2, 1, 2, 1);
        String removed = account.remove(SimEntity.LINE_ITEM, 1, java.time.Instant.now()).getFirst();

        JsonNode list = json(get("/v4/advertisers/1000077/lineItems", token));

        assertThat(list.path("lineItems")).hasSize(3);
        assertThat(list.path("lineItems").findValuesAsText("lineItemId")).doesNotContain(removed);
        assertThat(get("/v4/advertisers/1000077/lineItems/" + removed, token).statusCode()).isEqualTo(404);
    }
}
