package io.clp.dspsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bid Manager API v2 ({@code https://doubleclickbidmanager.googleapis.com}), base URL {@code /bidmanager}: queries
 * ({@code POST /v2/queries}, {@code GET}/{@code DELETE /v2/queries/{queryId}}, {@code GET /v2/queries}), runs
 * ({@code POST /v2/queries/{queryId}:run}) and reports ({@code GET /v2/queries/{queryId}/reports[/{reportId}]}).
 * A report is QUEUED when run, RUNNING at its first read, DONE (or FAILED, with an armed FAILED_REPORT fault) from its
 * second; when DONE, {@code metadata.googleCloudStoragePath} is an absolute URL of the simulator's {@code /files/}.
 * <p>
 * The simulator needs a {@code FILTER_ADVERTISER} filter (the account whose delivery it reports, and whose faults it
 * plays: those armed for DSP {@code bidmanager}, then for {@code dv360}). Throttling is Bid Manager's documented
 * 403 with {@code errors[].reason} {@code userRateLimitExceeded}; a THROTTLE fault asking to wait a day or more
 * plays the daily quota, {@code dailyLimitExceeded}.
 */
final class BidManagerApi implements DspApi {

    private static final Pattern QUERY = Pattern.compile("/v2/queries/(\\d+)");
    private static final Pattern RUN = Pattern.compile("/v2/queries/(\\d+):run");
    private static final Pattern REPORTS = Pattern.compile("/v2/queries/(\\d+)/reports");
    private static final Pattern REPORT = Pattern.compile("/v2/queries/(\\d+)/reports/(\\d+)");
    private static final DateTimeFormatter CSV_DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd");
    private static final Map<String, String> DIMENSIONS = new LinkedHashMap<>();
    private static final Map<String, String> METRICS = new LinkedHashMap<>();

    static {
        DIMENSIONS.put("FILTER_DATE", "Date");
        DIMENSIONS.put("FILTER_PARTNER", "Partner ID");
        DIMENSIONS.put("FILTER_ADVERTISER", "Advertiser ID");
        DIMENSIONS.put("FILTER_ADVERTISER_NAME", "Advertiser");
        DIMENSIONS.put("FILTER_ADVERTISER_CURRENCY", "Advertiser Currency");
        DIMENSIONS.put("FILTER_ADVERTISER_TIMEZONE", "Advertiser Time Zone");
        DIMENSIONS.put("FILTER_CAMPAIGN", "Campaign ID");
        DIMENSIONS.put("FILTER_INSERTION_ORDER", "Insertion Order ID");
        DIMENSIONS.put("FILTER_LINE_ITEM", "Line Item ID");
        DIMENSIONS.put("FILTER_LINE_ITEM_NAME", "Line Item");
        METRICS.put("METRIC_IMPRESSIONS", "Impressions");
        METRICS.put("METRIC_CLICKS", "Clicks");
        METRICS.put("METRIC_TOTAL_CONVERSIONS", "Total Conversions");
        METRICS.put("METRIC_TRUEVIEW_VIEWS", "TrueView: Views");
        METRICS.put("METRIC_MEDIA_COST_ADVERTISER", "Media Cost (Advertiser Currency)");
        METRICS.put("METRIC_TOTAL_MEDIA_COST_ADVERTISER", "Total Media Cost (Advertiser Currency)");
        METRICS.put("METRIC_BILLABLE_COST_ADVERTISER", "Billable Cost (Adv Currency)");
        METRICS.put("METRIC_REVENUE_ADVERTISER", "Revenue (Adv Currency)");
    }

    private record StoredQuery(String queryId, ObjectNode query, String advertiserId) {
    }

    private static final class StoredReport {
        final String reportId;
        final StoredQuery query;
        final boolean failing;
        final LocalDate from;
        final LocalDate to;
        int reads;
        String state = "QUEUED";
        Instant finishTime;
        String fileName;

        StoredReport(String reportId, StoredQuery query, boolean failing, LocalDate from, LocalDate to) {
            this.reportId = reportId;
            this.query = query;
            this.failing = failing;
            this.from = from;
            this.to = to;
        }
    }

    private final Simulation simulation;
    private final AtomicLong ids = new AtomicLong(1_340_000_000L);
    private final Map<String, StoredQuery> queries = new ConcurrentHashMap<>();
    private final Map<String, StoredReport> reports = new ConcurrentHashMap<>();

    BidManagerApi(Simulation simulation) {
        this.simulation = simulation;
    }

    @Override
    public String prefix() {
        return "/bidmanager";
    }

    @Override
    public void handle(SimExchange exchange) throws IOException {
        if (!GoogleErrors.authenticated(simulation, exchange)) {
            return;
        }
        String path = exchange.path();
        String method = exchange.method();
        try {
            Matcher m;
            if (path.equals("/v2/queries") && method.equals("POST")) {
                create(exchange);
            } else if (path.equals("/v2/queries") && method.equals("GET")) {
                exchange.json(200, listOf("queries", queries.values().stream().map(q -> (Object) q.query()).toList()));
            } else if ((m = RUN.matcher(path)).matches() && method.equals("POST")) {
                run(exchange, m.group(1));
            } else if ((m = REPORT.matcher(path)).matches() && method.equals("GET")) {
                report(exchange, m.group(1), m.group(2));
            } else if ((m = REPORTS.matcher(path)).matches() && method.equals("GET")) {
                StoredQuery q = query(exchange, m.group(1));
                if (q != null && !fault(exchange, q.advertiserId())) {
                    exchange.json(200, listOf("reports", reports.values().stream()
                            .filter(r -> r.query.queryId().equals(q.queryId())).map(r -> (Object) render(exchange, r)).toList()));
                }
            } else if ((m = QUERY.matcher(path)).matches() && method.equals("GET")) {
                StoredQuery q = query(exchange, m.group(1));
                if (q != null && !fault(exchange, q.advertiserId())) {
                    exchange.json(200, q.query());
                }
            } else if ((m = QUERY.matcher(path)).matches() && method.equals("DELETE")) {
                StoredQuery q = query(exchange, m.group(1));
                if (q != null && !fault(exchange, q.advertiserId())) {
                    queries.remove(q.queryId());
                    reports.values().removeIf(r -> r.query.queryId().equals(q.queryId()));
                    exchange.json(200, Map.of());
                }
            } else {
                GoogleErrors.send(exchange, 404, "NOT_FOUND", "Requested entity was not found.");
            }
        } catch (SimExchange.BadRequest e) {
            GoogleErrors.send(exchange, 400, "INVALID_ARGUMENT", e.getMessage());
        }
    }

    private void create(SimExchange exchange) throws IOException {
        JsonNode body = exchange.json();
        if (!(body instanceof ObjectNode query)) {
            throw new SimExchange.BadRequest("Invalid JSON payload: a Query object is expected.");
        }
        String advertiserId = null;
        for (JsonNode f : query.path("params").path("filters")) {
            if (f.path("type").asText().equals("FILTER_ADVERTISER")) {
                advertiserId = f.path("value").asText();
            }
        }
        if (advertiserId == null) {
            throw new SimExchange.BadRequest("Request contains an invalid argument. The simulator needs a FILTER_ADVERTISER filter.");
        }
        exchange.account(advertiserId);
        if (fault(exchange, advertiserId)) {
            return;
        }
        if (simulation.catalog().account("dv360", advertiserId).isEmpty()) {
            GoogleErrors.send(exchange, 403, "PERMISSION_DENIED", "The caller does not have permission");
            return;
        }
        JsonNode params = query.path("params");
        if (!params.path("type").asText().equals("STANDARD")) {
            throw new SimExchange.BadRequest("Request contains an invalid argument. Only params.type STANDARD is simulated.");
        }
        if (!query.path("metadata").path("format").asText("CSV").equals("CSV")) {
            throw new SimExchange.BadRequest("Request contains an invalid argument. Only format CSV is simulated.");
        }
        for (JsonNode g : params.path("groupBys")) {
            if (!DIMENSIONS.containsKey(g.asText())) {
                throw new SimExchange.BadRequest("Request contains an invalid argument. Unsupported groupBy " + g.asText());
            }
        }
        if (params.path("metrics").isEmpty()) {
            throw new SimExchange.BadRequest("Request contains an invalid argument. A query needs at least one metric.");
        }
        for (JsonNode metric : params.path("metrics")) {
            if (!METRICS.containsKey(metric.asText())) {
                throw new SimExchange.BadRequest("Request contains an invalid argument. Unsupported metric " + metric.asText());
            }
        }
        SimAccount account = simulation.catalog().account("dv360", advertiserId).orElseThrow();
        range(query.path("metadata").path("dataRange"), account); // refuses a range it cannot resolve now, as Google does
        String queryId = String.valueOf(ids.incrementAndGet());
        ObjectNode stored = query.deepCopy();
        stored.put("queryId", queryId);
        if (!stored.path("schedule").has("frequency")) {
            stored.putObject("schedule").put("frequency", "ONE_TIME");
        }
        queries.put(queryId, new StoredQuery(queryId, stored, advertiserId));
        exchange.json(200, stored);
    }

    private void run(SimExchange exchange, String queryId) throws IOException {
        StoredQuery q = query(exchange, queryId);
        if (q == null || fault(exchange, q.advertiserId())) {
            return;
        }
        JsonNode body = exchange.json();
        JsonNode range = body.path("dataRange").isObject() ? body.path("dataRange") : q.query().path("metadata").path("dataRange");
        SimAccount account = simulation.catalog().account("dv360", q.advertiserId()).orElseThrow();
        LocalDate[] dates = range(range, account);
        boolean failing = take(q.advertiserId(), Fault.Type.FAILED_REPORT).isPresent();
        StoredReport report = new StoredReport(String.valueOf(ids.incrementAndGet()), q, failing, dates[0], dates[1]);
        reports.put(report.reportId, report);
        exchange.json(200, render(exchange, report));
    }

    private void report(SimExchange exchange, String queryId, String reportId) throws IOException {
        StoredQuery q = query(exchange, queryId);
        if (q == null || fault(exchange, q.advertiserId())) {
            return;
        }
        StoredReport report = reports.get(reportId);
        if (report == null || !report.query.queryId().equals(queryId)) {
            GoogleErrors.send(exchange, 404, "NOT_FOUND", "Requested entity was not found.");
            return;
        }
        synchronized (report) {
            report.reads++;
            if (report.reads == 1) {
                report.state = "RUNNING";
            } else if (report.finishTime == null) {
                report.finishTime = Instant.now();
                if (report.failing) {
                    report.state = "FAILED";
                } else {
                    byte[] csv = csv(q, simulation.catalog().account("dv360", q.advertiserId()).orElseThrow(), report.from, report.to);
                    report.fileName = simulation.files().put(".csv", "text/csv; charset=UTF-8", csv);
                    report.state = "DONE";
                }
            }
        }
        exchange.json(200, render(exchange, report));
    }

    private StoredQuery query(SimExchange exchange, String queryId) throws IOException {
        StoredQuery q = queries.get(queryId);
        if (q == null) {
            GoogleErrors.send(exchange, 404, "NOT_FOUND", "Requested entity was not found.");
            return null;
        }
        exchange.account(q.advertiserId());
        return q;
    }

    /** Plays an armed fault of the advertiser; true when the call was answered with one. */
    private boolean fault(SimExchange exchange, String advertiserId) throws IOException {
        Optional<Fault> fault = take(advertiserId, Fault.Type.EXPIRED_TOKEN, Fault.Type.THROTTLE, Fault.Type.SERVER_ERROR,
                Fault.Type.TIMEOUT);
        if (fault.isPresent() && fault.get().type() == Fault.Type.THROTTLE) {
            boolean daily = fault.get().retryAfterSeconds() >= 86_400;
            String reason = daily ? "dailyLimitExceeded" : "userRateLimitExceeded";
            String message = daily ? "Quota exceeded for quota metric 'Queries' and limit 'Queries per day' of service "
                    + "'doubleclickbidmanager.googleapis.com'."
                    : "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service "
                    + "'doubleclickbidmanager.googleapis.com'.";
            GoogleErrors.send(exchange, 403, "PERMISSION_DENIED", message, null,
                    List.of(Map.of("message", message, "domain", "usageLimits", "reason", reason)), Map.of());
            return true;
        }
        return GoogleErrors.commonFault(simulation, exchange, fault);
    }

    private Optional<Fault> take(String advertiserId, Fault.Type... types) {
        Optional<Fault> own = simulation.faults().take("bidmanager", advertiserId, types);
        return own.isPresent() ? own : simulation.faults().take("dv360", advertiserId, types);
    }

    private Map<String, Object> render(SimExchange exchange, StoredReport r) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("state", r.state);
        if (r.finishTime != null) {
            status.put("finishTime", r.finishTime.toString());
        }
        status.put("format", "CSV");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("status", status);
        metadata.put("reportDataStartDate", Dv360Api.date(r.from));
        metadata.put("reportDataEndDate", Dv360Api.date(r.to));
        if (r.fileName != null) {
            metadata.put("googleCloudStoragePath", exchange.baseUrl("/files/" + r.fileName));
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("key", Map.of("queryId", r.query.queryId(), "reportId", r.reportId));
        report.put("metadata", metadata);
        report.put("params", r.query.query().path("params"));
        return report;
    }

    private static Map<String, Object> listOf(String field, List<Object> items) {
        return items.isEmpty() ? Map.of() : Map.of(field, items);
    }

    /** The report's first and last day, the advertiser's days (as Bid Manager resolves ranges). */
    private static LocalDate[] range(JsonNode dataRange, SimAccount account) {
        String range = dataRange.path("range").asText("");
        LocalDate today = LocalDate.now(account.timeZone());
        return switch (range) {
            case "CUSTOM_DATES" -> {
                LocalDate from = googleDate(dataRange.path("customStartDate"));
                LocalDate to = googleDate(dataRange.path("customEndDate"));
                if (to.isBefore(from)) {
                    throw new SimExchange.BadRequest("Request contains an invalid argument. customEndDate is before customStartDate.");
                }
                yield new LocalDate[]{from, to};
            }
            case "CURRENT_DAY" -> new LocalDate[]{today, today};
            case "PREVIOUS_DAY" -> new LocalDate[]{today.minusDays(1), today.minusDays(1)};
            case "LAST_7_DAYS" -> new LocalDate[]{today.minusDays(7), today.minusDays(1)};
            case "LAST_14_DAYS" -> new LocalDate[]{today.minusDays(14), today.minusDays(1)};
            case "LAST_30_DAYS" -> new LocalDate[]{today.minusDays(30), today.minusDays(1)};
            default -> throw new SimExchange.BadRequest("Request contains an invalid argument. Unsupported dataRange.range '"
                    + range + "'.");
        };
    }

    private static LocalDate googleDate(JsonNode d) {
        try {
            return LocalDate.of(d.path("year").asInt(), d.path("month").asInt(), d.path("day").asInt());
        } catch (DateTimeException e) {
            throw new SimExchange.BadRequest("Request contains an invalid argument. Invalid date in dataRange.");
        }
    }

    /**
     * The report file: a header row of display names, a row per line item per day, a totals row (dimensions empty),
     * then the report's metadata rows, as Bid Manager's CSV downloads end.
     */
    private static byte[] csv(StoredQuery q, SimAccount account, LocalDate from, LocalDate to) {
        List<String> groupBys = new ArrayList<>();
        q.query().path("params").path("groupBys").forEach(g -> groupBys.add(g.asText()));
        List<String> metrics = new ArrayList<>();
        q.query().path("params").path("metrics").forEach(m -> metrics.add(m.asText()));
        StringBuilder out = new StringBuilder();
        List<String> header = new ArrayList<>();
        groupBys.forEach(g -> header.add(DIMENSIONS.get(g)));
        metrics.forEach(m -> header.add(METRICS.get(m)));
        line(out, header);
        BigDecimal[] totals = new BigDecimal[metrics.size()];
        java.util.Arrays.fill(totals, BigDecimal.ZERO);
        long lineItems = account.count(SimEntity.LINE_ITEM);
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            for (long i = 0; i < lineItems; i++) {
                SimEntity li = account.entity(SimEntity.LINE_ITEM, i);
                SimAccount.Delivery d = account.delivery(SimEntity.LINE_ITEM, i, day);
                List<String> row = new ArrayList<>();
                for (String g : groupBys) {
                    row.add(switch (g) {
                        case "FILTER_DATE" -> CSV_DATE.format(day);
                        case "FILTER_PARTNER" -> "900" + account.id().substring(Math.max(0, account.id().length() - 4));
                        case "FILTER_ADVERTISER" -> account.id();
                        case "FILTER_ADVERTISER_NAME" -> account.name();
                        case "FILTER_ADVERTISER_CURRENCY" -> account.currency();
                        case "FILTER_ADVERTISER_TIMEZONE" -> account.timeZone().getId();
                        case "FILTER_CAMPAIGN" -> li.campaignId();
                        case "FILTER_INSERTION_ORDER" -> li.parentId();
                        case "FILTER_LINE_ITEM" -> li.id();
                        default -> li.name();
                    });
                }
                for (int k = 0; k < metrics.size(); k++) {
                    BigDecimal value = switch (metrics.get(k)) {
                        case "METRIC_IMPRESSIONS" -> BigDecimal.valueOf(d.impressions());
                        case "METRIC_CLICKS" -> BigDecimal.valueOf(d.clicks());
                        case "METRIC_TOTAL_CONVERSIONS" -> BigDecimal.valueOf(d.conversions());
                        case "METRIC_TRUEVIEW_VIEWS" -> BigDecimal.valueOf(d.views());
                        case "METRIC_REVENUE_ADVERTISER" -> d.revenue();
                        default -> d.spend();
                    };
                    totals[k] = totals[k].add(value);
                    row.add(value.toPlainString());
                }
                line(out, row);
            }
        }
        List<String> total = new ArrayList<>();
        groupBys.forEach(g -> total.add(""));
        for (BigDecimal t : totals) {
            total.add(t.toPlainString());
        }
        line(out, total);
        out.append('\n');
        line(out, List.of("Report Time:", DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC)
                .format(Instant.now())));
        line(out, List.of("Date Range:", CSV_DATE.format(from) + " to " + CSV_DATE.format(to)));
        List<String> groupByRow = new ArrayList<>(List.of("Group By:"));
        groupBys.forEach(g -> groupByRow.add(DIMENSIONS.get(g)));
        line(out, groupByRow);
        line(out, List.of("MRC Accredited Metrics", "Active View metrics are accredited only when Measurement Source = Measured"));
        line(out, List.of("Filter by Advertiser ID:", account.id()));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder out, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String f = fields.get(i);
            if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0) {
                out.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                out.append(f);
            }
        }
        out.append('\n');
    }
}
