package io.clp.dspsim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Google Ads search paging as the API pages: opaque tokens, tied to their query, honouring WHERE and LIMIT. */
class GoogleAdsApiTest {

    static final String CUSTOMER = "4000000002";
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
        System.clearProperty("clp.dspsim.google-ads.page-size");
    }

    static JsonNode call(String method, Map<String, String> body) throws Exception {
        return call(CUSTOMER, method, body);
    }

    static HttpResponse<String> send(String customer, String method, Map<String, String> body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl("/google-ads")
                        + "/v21/customers/" + customer + "/googleAds:" + method))
                .header("Authorization", "Bearer " + token).header("developer-token", Catalog.DEVELOPER_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(SimExchange.JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode call(String customer, String method, Map<String, String> body) throws Exception {
        HttpResponse<String> r = send(customer, method, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return SimExchange.JSON.readTree(r.body());
    }

    /** Every page of a search, in order, as the ids it returned. */
    static List<String> pages(String query, List<Integer> sizes) throws Exception {
        List<String> ids = new ArrayList<>();
        String pageToken = "";
        do {
            JsonNode page = call("search", Map.of("query", query, "pageToken", pageToken));
            sizes.add(page.path("results").size());
            page.path("results").forEach(r -> ids.add(r.path("adGroup").path("id").asText()));
            pageToken = page.path("nextPageToken").asText("");
        } while (!pageToken.isEmpty());
        return ids;
    }

    @Test
    void pagesOfAFilteredLimitedSearchAreTheStreamsRowsInOrderWithoutGapsOrRepeats() throws Exception {
        System.setProperty("clp.dspsim.google-ads.page-size", "7");
        String query = "SELECT ad_group.id, ad_group.status FROM ad_group WHERE ad_group.status = 'ENABLED' LIMIT 40";
        List<String> streamed = new ArrayList<>();
        call("searchStream", Map.of("query", query)).forEach(chunk ->
                chunk.path("results").forEach(r -> streamed.add(r.path("adGroup").path("id").asText())));
        List<Integer> sizes = new ArrayList<>();

        List<String> paged = pages(query, sizes);

        assertThat(streamed).hasSize(40).doesNotHaveDuplicates();
        assertThat(paged).containsExactlyElementsOf(streamed);
        assertThat(sizes).containsExactly(7, 7, 7, 7, 7, 5);
    }

    @Test
    void aBodyLargerThanAMebibyteIsRefusedAsABadRequestPlainOrGzipped() throws Exception {
        String query = "SELECT ad_group.id FROM ad_group WHERE ad_group.name = '" + "x".repeat(SimExchange.MAX_BODY_BYTES) + "'";
        byte[] json = SimExchange.JSON.writeValueAsBytes(Map.of("query", query));
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (var gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write(json);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(simulator.baseUrl("/google-ads")
                        + "/v21/customers/" + CUSTOMER + "/googleAds:search"))
                .header("Authorization", "Bearer " + token).header("developer-token", Catalog.DEVELOPER_TOKEN)
                .header("Content-Type", "application/json");

        HttpResponse<String> plain = client.send(request.copy().POST(HttpRequest.BodyPublishers.ofByteArray(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> gzipped = client.send(request.copy().header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(zipped.size()).as("the gzipped body itself is small").isLessThan(SimExchange.MAX_BODY_BYTES / 100);
        for (HttpResponse<String> r : List.of(plain, gzipped)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertInvalidInput(r, "larger than " + SimExchange.MAX_BODY_BYTES + " bytes");
        }
        assertThat(call("search", Map.of("query", "SELECT ad_group.id FROM ad_group LIMIT 1")).path("results").size())
                .as("the simulator still answers").isEqualTo(1);
    }

    @Test
    void malformedJsonAndABrokenGzipBodyAreRefusedInGoogleAdsErrorShape() throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(simulator.baseUrl("/google-ads")
                        + "/v21/customers/" + CUSTOMER + "/googleAds:search"))
                .header("Authorization", "Bearer " + token).header("developer-token", Catalog.DEVELOPER_TOKEN)
                .header("Content-Type", "application/json");

        HttpResponse<String> malformed = client.send(request.copy().POST(HttpRequest.BodyPublishers.ofString("{\"query\": ")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> truncatedGzip = client.send(request.copy().header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[]{0x1f, (byte) 0x8b, 8})).build(), HttpResponse.BodyHandlers.ofString());

        assertInvalidInput(malformed, "not valid JSON");
        assertInvalidInput(truncatedGzip, "not valid gzip");
    }

    private static void assertInvalidInput(HttpResponse<String> r, String message) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = SimExchange.JSON.readTree(r.body()).path("error");
        assertThat(error.path("status").asText()).isEqualTo("INVALID_ARGUMENT");
        JsonNode failure = error.path("details").path(0).path("errors").path(0);
        assertThat(failure.path("errorCode").path("requestError").asText()).isEqualTo("INVALID_INPUT");
        assertThat(failure.path("message").asText()).contains(message);
    }

    @Test
    void aPageTokenIsRefusedForAnotherQuery() throws Exception {
        System.setProperty("clp.dspsim.google-ads.page-size", "7");
        String first = call("search", Map.of("query", "SELECT ad_group.id FROM ad_group")).path("nextPageToken").asText();

        HttpResponse<String> r = send(CUSTOMER, "search", Map.of("query", "SELECT ad_group.id FROM ad_group LIMIT 5", "pageToken", first));

        assertThat(first).isNotEmpty();
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("INVALID_PAGE_TOKEN");
    }

    @Test
    void aPageTokenIsRefusedForAnotherCustomer() throws Exception {
        System.setProperty("clp.dspsim.google-ads.page-size", "7");
        String query = "SELECT ad_group.id FROM ad_group";
        String first = call("4000000001", "search", Map.of("query", query)).path("nextPageToken").asText();

        HttpResponse<String> r = send(CUSTOMER, "search", Map.of("query", query, "pageToken", first));

        assertThat(first).isNotEmpty();
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("INVALID_PAGE_TOKEN");
    }

    @Test
    void aDateRangeThatEndsBeforeItStartsHasNoRows() throws Exception {
        JsonNode page = call("search", Map.of("query", "SELECT ad_group.id, metrics.impressions FROM ad_group "
                + "WHERE segments.date BETWEEN '2026-03-05' AND '2026-03-01'"));

        assertThat(page.path("results").size()).isZero();
        assertThat(page.has("nextPageToken")).isFalse();
    }

    @Test
    void aDatedSearchHasOneRowPerObjectAndDayAcrossPages() throws Exception {
        System.setProperty("clp.dspsim.google-ads.page-size", "4");
        List<String> days = new ArrayList<>();
        String pageToken = "";
        String query = "SELECT ad_group.id, segments.date, metrics.impressions FROM ad_group "
                + "WHERE segments.date BETWEEN '2026-03-01' AND '2026-03-03' LIMIT 9";
        do {
            JsonNode page = call("search", Map.of("query", query, "pageToken", pageToken));
            page.path("results").forEach(r -> days.add(r.path("adGroup").path("id").asText() + "@" + r.path("segments").path("date").asText()));
            pageToken = page.path("nextPageToken").asText("");
        } while (!pageToken.isEmpty());

        assertThat(days).hasSize(9).doesNotHaveDuplicates();
        assertThat(days.subList(0, 3)).allMatch(d -> d.startsWith(days.getFirst().split("@")[0] + "@"));
        assertThat(days.subList(0, 3)).extracting(d -> d.split("@")[1]).containsExactly("2026-03-01", "2026-03-02", "2026-03-03");
    }
}
