package io.clp.dspsim;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import io.clp.dspsim.GoogleApiClients.BidManager;
import io.clp.dspsim.GoogleApiClients.DataRange;
import io.clp.dspsim.GoogleApiClients.Date;
import io.clp.dspsim.GoogleApiClients.FilterPair;
import io.clp.dspsim.GoogleApiClients.Parameters;
import io.clp.dspsim.GoogleApiClients.Query;
import io.clp.dspsim.GoogleApiClients.QueryMetadata;
import io.clp.dspsim.GoogleApiClients.Report;
import io.clp.dspsim.GoogleApiClients.RunQueryRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Google's Java API client runs Bid Manager v2's offline report flow against the simulator: create a query, run it,
 * poll the report until DONE, download the CSV from {@code googleCloudStoragePath}.
 */
class BidManagerGoogleClientTest {

    static DspSimulator simulator;
    static BidManager bidManager;

    @BeforeAll
    static void start() {
        simulator = DspSimulator.start("127.0.0.1", 0, 13L);
        bidManager = GoogleApiClients.bidManager(simulator, GoogleApiClients.credentials(simulator));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    static Query dailyLineItemQuery(String advertiserId, LocalDate from, LocalDate to) {
        Query query = new Query();
        query.metadata = new QueryMetadata();
        query.metadata.title = "CLP daily line item delivery";
        query.metadata.format = "CSV";
        query.metadata.dataRange = range(from, to);
        query.params = new Parameters();
        query.params.type = "STANDARD";
        query.params.groupBys = List.of("FILTER_DATE", "FILTER_LINE_ITEM");
        query.params.filters = List.of(FilterPair.of("FILTER_ADVERTISER", advertiserId));
        query.params.metrics = List.of("METRIC_IMPRESSIONS", "METRIC_CLICKS", "METRIC_MEDIA_COST_ADVERTISER");
        return query;
    }

    static DataRange range(LocalDate from, LocalDate to) {
        DataRange range = new DataRange();
        range.range = "CUSTOM_DATES";
        range.customStartDate = Date.of(from);
        range.customEndDate = Date.of(to);
        return range;
    }

    @Test
    void aQueryRunsPollsToDoneAndItsCsvHoldsTheSimulatorsDelivery() throws Exception {
        SimAccount account = simulator.simulation().catalog().account("dv360", "1000001").orElseThrow();
        LocalDate from = LocalDate.of(2026, 3, 1);
        LocalDate to = LocalDate.of(2026, 3, 3);

        Query created = bidManager.create(dailyLineItemQuery("1000001", from, to)).execute();
        RunQueryRequest run = new RunQueryRequest();
        run.dataRange = range(from, to);
        Report report = bidManager.run(created.queryId, run).setSynchronous(false).execute();
        List<String> states = new ArrayList<>(List.of(report.metadata.status.state));
        for (int polls = 0; polls < 10 && !states.getLast().equals("DONE"); polls++) {
            report = bidManager.report(report.key.queryId, report.key.reportId).execute();
            states.add(report.metadata.status.state);
        }
        String csv = GoogleApiClients.TRANSPORT.createRequestFactory()
                .buildGetRequest(new com.google.api.client.http.GenericUrl(report.metadata.googleCloudStoragePath))
                .execute().parseAsString();

        assertThat(created.queryId).isPositive();
        assertThat(states).startsWith("QUEUED").endsWith("DONE");
        assertThat(report.key.queryId).isEqualTo(created.queryId);
        assertThat(report.metadata.reportDataStartDate.toLocalDate()).isEqualTo(from);
        assertThat(report.metadata.reportDataEndDate.toLocalDate()).isEqualTo(to);
        assertThat(report.metadata.status.finishTime).isNotBlank();

        List<String> lines = csv.lines().toList();
        assertThat(lines.getFirst()).isEqualTo("Date,Line Item ID,Impressions,Clicks,Media Cost (Advertiser Currency)");
        Map<String, String> rows = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            if (cells.length == 5 && !cells[0].isEmpty()) {
                rows.put(cells[0] + "|" + cells[1], cells[2] + "," + cells[3] + "," + cells[4]);
            }
        }
        long lineItems = account.count(SimEntity.LINE_ITEM);
        assertThat(rows).hasSize((int) (lineItems * 3));
        DateTimeFormatter csvDate = DateTimeFormatter.ofPattern("yyyy/MM/dd");
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            for (long i = 0; i < lineItems; i++) {
                SimAccount.Delivery d = account.delivery(SimEntity.LINE_ITEM, i, day);
                assertThat(rows.get(csvDate.format(day) + "|" + account.entity(SimEntity.LINE_ITEM, i).id()))
                        .isEqualTo(d.impressions() + "," + d.clicks() + "," + d.spend().toPlainString());
            }
        }
    }

    @Test
    void anUnknownQueryIsNotFoundAndABadMetricIsInvalidArgument() {
        assertThatThrownBy(() -> bidManager.report(99, 98).execute())
                .isInstanceOfSatisfying(GoogleJsonResponseException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(404);
                    assertThat(e.getDetails().get("status")).isEqualTo("NOT_FOUND");
                });
        Query bad = dailyLineItemQuery("1000001", LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 1));
        bad.params.metrics = List.of("METRIC_NOT_A_METRIC");
        assertThatThrownBy(() -> bidManager.create(bad).execute())
                .isInstanceOfSatisfying(GoogleJsonResponseException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(400);
                    assertThat(e.getDetails().get("status")).isEqualTo("INVALID_ARGUMENT");
                });
    }

    @Test
    void bidManagersRateLimitIsA403WithTheUserRateLimitExceededReason() {
        simulator.simulation().faults().arm("bidmanager", "1000001", new Fault(Fault.Type.THROTTLE, 1, 30, 0));

        assertThatThrownBy(() -> bidManager.create(dailyLineItemQuery("1000001", LocalDate.of(2026, 3, 1),
                LocalDate.of(2026, 3, 1))).execute())
                .isInstanceOfSatisfying(GoogleJsonResponseException.class, e -> {
                    assertThat(e.getStatusCode()).isEqualTo(403);
                    assertThat(e.getDetails().getErrors()).singleElement().satisfies(info -> {
                        assertThat(info.getReason()).isEqualTo("userRateLimitExceeded");
                        assertThat(info.getDomain()).isEqualTo("usageLimits");
                    });
                });
    }
}
