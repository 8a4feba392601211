package io.clp.dsp.dv360;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clp.dsp.AccountInfo;
import io.clp.dsp.AccountRef;
import io.clp.dsp.DelegatedAccess;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspConnector;
import io.clp.dsp.DspEndpoints;
import io.clp.dsp.DspEntity;
import io.clp.dsp.DspException;
import io.clp.dsp.EntityLevel;
import io.clp.dsp.EntityStatus;
import io.clp.dsp.HierarchyPage;
import io.clp.dsp.ListRequest;
import io.clp.dsp.Money;
import io.clp.dsp.ReportRow;
import io.clp.dsp.http.AccessToken;
import io.clp.dsp.http.DspHttp;
import io.clp.dsp.http.OAuth2Refresh;
import io.clp.dsp.http.ResponseClassifier;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Display &amp; Video 360 (API v4) for the hierarchy and Bid Manager (API v2) for the daily report. The account is a
 * DV360 advertiser id; credentials are a Google OAuth client and a refresh token with the display-video and
 * doubleclickbidmanager scopes. Mapping, paging and units: docs/dsp-connectors.md, section "DV360 and Bid Manager".
 */
public final class Dv360Connector implements DspConnector {

    private static final Logger LOG = Logger.getLogger(Dv360Connector.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** DV360's largest page: fewer calls against the 300 requests/min per advertiser quota. */
    static final int PAGE_SIZE = 200;
    private static final DateTimeFormatter REPORT_DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd");
    private static final List<String> METRICS = List.of("METRIC_IMPRESSIONS", "METRIC_CLICKS", "METRIC_TOTAL_CONVERSIONS",
            "METRIC_TRUEVIEW_VIEWS", "METRIC_MEDIA_COST_ADVERTISER", "METRIC_REVENUE_ADVERTISER");

    private final DspHttp http;
    private final DspEndpoints endpoints;
    private final OAuth2Refresh oauth;
    private final Duration pollInterval;
    private final Duration pollCeiling;
    /** Advertiser name, time zone and currency by account: DV360 makes the currency immutable, so one read is enough. */
    private final Map<String, AccountInfo> advertisers = new ConcurrentHashMap<>();

    public Dv360Connector(DspHttp http, DspEndpoints endpoints) {
        this(http, endpoints,
                Duration.parse(System.getProperty("clp.dsp.dv360.report-poll-interval", "PT10S")),
                Duration.parse(System.getProperty("clp.dsp.dv360.report-poll-ceiling", "PT30M")));
    }

    /**
     * @param pollInterval how long to wait between two reads of a running report
     * @param pollCeiling  how long a report may stay queued or running before the run is given up
     */
    public Dv360Connector(DspHttp http, DspEndpoints endpoints, Duration pollInterval, Duration pollCeiling) {
        this.http = http;
        this.endpoints = endpoints;
        this.oauth = new OAuth2Refresh(http, DspEndpoints.resolve(endpoints.googleOAuth(), "/token"), Clock.systemUTC());
        this.pollInterval = pollInterval;
        this.pollCeiling = pollCeiling;
    }

    @Override
    public Dsp dsp() {
        return Dsp.DV360;
    }

    @Override
    public Set<String> credentialNames() {
        return Set.of("client_id", "client_secret", "refresh_token");
    }

    /**
     * Crosses: {@code access_token} (a Google OAuth access token, an hour at most). Stays: the OAuth client and the
     * refresh token.
     */
    @Override
    public DelegatedAccess delegate(AccountRef account) {
        credentialNames().forEach(account.credentials()::require);
        AccessToken token = http.tokens().forDelegation(account, oauth::login, DelegatedAccess.MINIMUM_LIFETIME.toSeconds());
        return DelegatedAccess.of(token, null, Map.of());
    }

    @Override
    public AccountInfo connect(AccountRef account) {
        (account.credentials().delegated() ? Set.of("access_token") : credentialNames()).forEach(account.credentials()::require);
        JsonNode a = get(account, dv360("/v4/advertisers/" + path(account.externalAccountId())), GoogleClassifiers.dv360());
        JsonNode config = a.path("generalConfig");
        AccountInfo info = new AccountInfo(a.path("advertiserId").asText(account.externalAccountId()),
                a.path("displayName").asText(null), ZoneId.of(config.path("timeZone").asText("UTC")),
                Currency.getInstance(config.path("currencyCode").asText()), a.path("partnerId").asText(null));
        advertisers.put(account.key(), info);
        return info;
    }

    private AccountInfo advertiser(AccountRef account) {
        AccountInfo cached = advertisers.get(account.key());
        return cached != null ? cached : connect(account);
    }

    // --- hierarchy ----------------------------------------------------------------------------------------------------

    @Override
    public HierarchyPage list(AccountRef account, ListRequest request) {
        AccountInfo advertiser = advertiser(account);
        String collection = switch (request.level()) {
            case CAMPAIGN -> "campaigns";
            case INSERTION_ORDER -> "insertionOrders";
            case LINE_ITEM -> "lineItems";
            case CREATIVE -> "creatives";
        };
        StringBuilder query = new StringBuilder("?pageSize=").append(PAGE_SIZE);
        if (request.pageToken() != null) {
            query.append("&pageToken=").append(URLEncoder.encode(request.pageToken(), StandardCharsets.UTF_8));
        }
        if (request.updatedSince() != null) {
            query.append("&filter=").append(URLEncoder.encode("updateTime>=\"" + request.updatedSince() + "\"", StandardCharsets.UTF_8));
        }
        JsonNode page = get(account, dv360("/v4/advertisers/" + path(account.externalAccountId()) + "/" + collection + query),
                GoogleClassifiers.dv360());
        List<DspEntity> entities = new ArrayList<>();
        for (JsonNode node : page.path(collection)) {
            entities.add(switch (request.level()) {
                case CAMPAIGN -> campaign(node, advertiser);
                case INSERTION_ORDER -> insertionOrder(node, advertiser);
                case LINE_ITEM -> lineItem(node, advertiser);
                case CREATIVE -> creative(node, advertiser);
            });
        }
        String next = page.path("nextPageToken").asText("");
        return new HierarchyPage(entities, next.isEmpty() ? null : next);
    }

    private static DspEntity campaign(JsonNode c, AccountInfo a) {
        JsonNode flight = c.path("campaignFlight");
        Money budget = micros(flight.path("plannedSpendAmountMicros"), a.currency());
        Map<String, Object> attributes = new LinkedHashMap<>();
        text(c.path("campaignGoal").path("campaignGoalType"), v -> attributes.put("campaignGoalType", v));
        return entity(EntityLevel.CAMPAIGN, c, c.path("campaignId").asText(), null, a, budget, budget == null ? null : "lifetime",
                date(flight.path("plannedDates").path("startDate")), date(flight.path("plannedDates").path("endDate")),
                Map.of(), attributes);
    }

    private static DspEntity insertionOrder(JsonNode io, AccountInfo a) {
        JsonNode budget = io.path("budget");
        boolean impressions = "BUDGET_UNIT_IMPRESSIONS".equals(budget.path("budgetUnit").asText());
        BigDecimal total = null;
        LocalDate start = null;
        LocalDate end = null;
        for (JsonNode segment : budget.path("budgetSegments")) {
            Money amount = micros(segment.path("budgetAmountMicros"), a.currency());
            if (!impressions && amount != null) {
                total = total == null ? amount.amount() : total.add(amount.amount());
            }
            LocalDate s = date(segment.path("dateRange").path("startDate"));
            LocalDate e = date(segment.path("dateRange").path("endDate"));
            start = s != null && (start == null || s.isBefore(start)) ? s : start;
            end = e != null && (end == null || e.isAfter(end)) ? e : end;
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("campaignId", io.path("campaignId").asText());
        text(io.path("insertionOrderType"), v -> attributes.put("insertionOrderType", v));
        text(io.path("kpi").path("kpiType"), v -> attributes.put("kpiType", v));
        Money money = total == null ? null : Money.ofDecimal(total.toPlainString(), a.currency());
        return entity(EntityLevel.INSERTION_ORDER, io, io.path("insertionOrderId").asText(), io.path("campaignId").asText(null),
                a, money, impressions ? "impressions" : money == null ? null : "lifetime", start, end,
                pacing(io.path("pacing"), a), attributes);
    }

    private static DspEntity lineItem(JsonNode li, AccountInfo a) {
        JsonNode budget = li.path("budget");
        boolean impressions = "BUDGET_UNIT_IMPRESSIONS".equals(budget.path("budgetUnit").asText());
        Money money = impressions ? null : micros(budget.path("maxAmount"), a.currency());
        String allocation = budget.path("budgetAllocationType").asText("");
        String budgetType = impressions ? "impressions" : money != null ? "lifetime" : null;
        // an INHERITED flight takes the insertion order's dates, which this page does not carry: left null
        JsonNode range = li.path("flight").path("dateRange");
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("campaignId", li.path("campaignId").asText());
        text(li.path("lineItemType"), v -> attributes.put("lineItemType", v));
        text(li.path("flight").path("flightDateType"), v -> attributes.put("flightDateType", v));
        if (!allocation.isEmpty()) {
            attributes.put("budgetAllocationType", allocation);
        }
        attributes.put("creativeIds", strings(li.path("creativeIds")));
        return entity(EntityLevel.LINE_ITEM, li, li.path("lineItemId").asText(), li.path("insertionOrderId").asText(null), a,
                money, budgetType, date(range.path("startDate")), date(range.path("endDate")), pacing(li.path("pacing"), a),
                attributes);
    }

    /**
     * DV360 keeps creatives at the advertiser and line items point at them; the creative's output-only
     * {@code lineItemIds} names every line item using it, so the first is its parent in CLP's tree and all are kept.
     */
    private static DspEntity creative(JsonNode c, AccountInfo a) {
        List<String> lineItemIds = strings(c.path("lineItemIds"));
        Map<String, Object> attributes = new LinkedHashMap<>();
        text(c.path("creativeType"), v -> attributes.put("creativeType", v));
        text(c.path("hostingSource"), v -> attributes.put("hostingSource", v));
        JsonNode dimensions = c.path("dimensions");
        if (dimensions.has("widthPixels")) {
            attributes.put("widthPixels", dimensions.path("widthPixels").asInt());
            attributes.put("heightPixels", dimensions.path("heightPixels").asInt());
        }
        attributes.put("lineItemIds", lineItemIds);
        return entity(EntityLevel.CREATIVE, c, c.path("creativeId").asText(), lineItemIds.isEmpty() ? null : lineItemIds.getFirst(),
                a, null, null, null, null, Map.of(), attributes);
    }

    private static DspEntity entity(EntityLevel level, JsonNode node, String id, String parent, AccountInfo a, Money budget,
                                    String budgetType, LocalDate start, LocalDate end, Map<String, Object> pacing,
                                    Map<String, Object> attributes) {
        String nativeStatus = node.path("entityStatus").asText("ENTITY_STATUS_UNSPECIFIED");
        String updated = node.path("updateTime").asText("");
        return new DspEntity(level, id, parent, node.path("displayName").asText(), status(nativeStatus), nativeStatus, budget,
                budgetType, start, end, pacing, List.of(), a.externalAccountId(), a.displayName(),
                updated.isEmpty() ? null : Instant.parse(updated), attributes);
    }

    static EntityStatus status(String entityStatus) {
        return switch (entityStatus) {
            case "ENTITY_STATUS_ACTIVE" -> EntityStatus.ACTIVE;
            case "ENTITY_STATUS_PAUSED" -> EntityStatus.PAUSED;
            case "ENTITY_STATUS_ARCHIVED" -> EntityStatus.ARCHIVED;
            case "ENTITY_STATUS_SCHEDULED_FOR_DELETION" -> EntityStatus.REMOVED;
            default -> EntityStatus.DRAFT;
        };
    }

    /** Pacing as DV360 names it: {@code period}, {@code type}, {@code dailyMax} (account currency) or {@code dailyMaxImpressions}. */
    private static Map<String, Object> pacing(JsonNode p, AccountInfo a) {
        Map<String, Object> pacing = new LinkedHashMap<>();
        text(p.path("pacingPeriod"), v -> pacing.put("period", v));
        text(p.path("pacingType"), v -> pacing.put("type", v));
        Money dailyMax = micros(p.path("dailyMaxMicros"), a.currency());
        if (dailyMax != null) {
            pacing.put("dailyMax", dailyMax.amount());
        }
        if (p.hasNonNull("dailyMaxImpressions")) {
            pacing.put("dailyMaxImpressions", p.path("dailyMaxImpressions").asLong());
        }
        return pacing;
    }

    private static Money micros(JsonNode value, Currency currency) {
        return value.isMissingNode() || value.isNull() || value.asText().isEmpty() ? null : Money.ofMicros(value.asText(), currency);
    }

    /** A {@code google.type.Date}; DV360's dates are the advertiser's days. */
    private static LocalDate date(JsonNode d) {
        return d.has("year") ? LocalDate.of(d.path("year").asInt(), d.path("month").asInt(), d.path("day").asInt()) : null;
    }

    private static void text(JsonNode value, Consumer<String> put) {
        if (value.isTextual() && !value.asText().isEmpty()) {
            put.accept(value.asText());
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(v -> list.add(v.asText()));
        return List.copyOf(list);
    }

    // --- daily report (Bid Manager v2) --------------------------------------------------------------------------------

    /**
     * Creates a one-time STANDARD query for the advertiser's line items by day, runs it, polls the report until DONE,
     * streams its CSV into {@code rows} and deletes the query (best effort). Dates are the advertiser's days, which is
     * how Bid Manager resolves a CUSTOM_DATES range.
     */
    @Override
    public void dailyReport(AccountRef account, LocalDate from, LocalDate to, Consumer<ReportRow> rows) {
        AccountInfo advertiser = advertiser(account);
        ObjectNode query = JSON.createObjectNode();
        ObjectNode metadata = query.putObject("metadata");
        metadata.put("title", "CLP daily line items " + account.externalAccountId() + " " + from + ".." + to);
        ObjectNode range = metadata.putObject("dataRange");
        range.put("range", "CUSTOM_DATES");
        range.set("customStartDate", googleDate(from));
        range.set("customEndDate", googleDate(to));
        metadata.put("format", "CSV");
        ObjectNode params = query.putObject("params");
        params.put("type", "STANDARD");
        ArrayNode groupBys = params.putArray("groupBys");
        List.of("FILTER_DATE", "FILTER_ADVERTISER", "FILTER_ADVERTISER_CURRENCY", "FILTER_LINE_ITEM").forEach(groupBys::add);
        params.putArray("filters").addObject().put("type", "FILTER_ADVERTISER").put("value", account.externalAccountId());
        ArrayNode metrics = params.putArray("metrics");
        METRICS.forEach(metrics::add);
        query.putObject("schedule").put("frequency", "ONE_TIME");

        String queryId = send(account, "POST", bidManager("/v2/queries"), query.toString()).path("queryId").asText();
        try {
            JsonNode report = send(account, "POST", bidManager("/v2/queries/" + path(queryId) + ":run"), "{}");
            String reportId = report.path("key").path("reportId").asText();
            JsonNode done = poll(account, queryId, reportId, report);
            JsonNode status = done.path("metadata").path("status");
            String state = status.path("state").asText();
            if (state.equals("FAILED")) {
                throw new DspException.ReportFailed("Bid Manager report " + reportId + " of query " + queryId + " for advertiser "
                        + account.externalAccountId() + " failed");
            }
            if (!state.equals("DONE")) {
                throw new DspException.ReportFailed("Bid Manager report " + reportId + " for advertiser "
                        + account.externalAccountId() + " was still " + state + " after " + pollCeiling);
            }
            // a signed Cloud Storage URL: fetched without the account's token
            try (InputStream csv = http.download(account, done.path("metadata").path("googleCloudStoragePath").asText())) {
                parse(csv, advertiser.currency(), rows);
            } catch (IOException e) {
                throw new DspException.Unavailable("reading the Bid Manager report of advertiser " + account.externalAccountId()
                        + " failed: " + e.getMessage(), e);
            }
        } finally {
            deleteQuietly(account, queryId);
        }
    }

    /** Reads the report until it leaves QUEUED/RUNNING or the ceiling passes (resilience4j Retry on the result). */
    private JsonNode poll(AccountRef account, String queryId, String reportId, JsonNode first) {
        if (finished(first)) {
            return first;
        }
        long attempts = Math.max(2, pollCeiling.toMillis() / Math.max(1, pollInterval.toMillis()) + 1);
        Retry retry = Retry.of("dv360-report-" + reportId, RetryConfig.<JsonNode>custom()
                .maxAttempts((int) Math.min(Integer.MAX_VALUE, attempts))
                .waitDuration(pollInterval)
                .retryOnResult(report -> !finished(report))
                .retryOnException(e -> false)
                .failAfterMaxAttempts(false)
                .build());
        URI uri = bidManager("/v2/queries/" + path(queryId) + "/reports/" + path(reportId));
        // the first read waits one interval too: a report is never done the moment it was queued
        sleep(pollInterval);
        return retry.executeSupplier(() -> get(account, uri, GoogleClassifiers.bidManager()));
    }

    private static boolean finished(JsonNode report) {
        String state = report.path("metadata").path("status").path("state").asText();
        return state.equals("DONE") || state.equals("FAILED");
    }

    /**
     * Bid Manager's CSV: a header row of display names, one row per line item and day, then a totals row (no date) and
     * report metadata rows; reading stops at the first row whose date is not a {@code yyyy/MM/dd} day.
     */
    static void parse(InputStream csv, Currency currency, Consumer<ReportRow> rows) {
        CsvReader<CsvRecord> reader = CsvReader.builder()
                .extraFieldStrategy(FieldMismatchStrategy.IGNORE)
                .missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                .ofCsvRecord(csv, StandardCharsets.UTF_8);
        try (reader) {
            Map<String, Integer> columns = null;
            for (CsvRecord record : reader) {
                if (columns == null) {
                    columns = new HashMap<>();
                    for (int i = 0; i < record.getFieldCount(); i++) {
                        columns.put(record.getField(i).trim(), i);
                    }
                    for (String needed : List.of("Date", "Line Item ID", "Impressions", "Clicks", "Total Conversions",
                            "Media Cost (Advertiser Currency)", "Revenue (Adv Currency)")) {
                        if (!columns.containsKey(needed)) {
                            throw new DspException.Rejected(200, "the Bid Manager report has no column '" + needed + "'");
                        }
                    }
                    continue;
                }
                LocalDate date;
                try {
                    date = LocalDate.parse(field(record, columns, "Date"), REPORT_DATE);
                } catch (DateTimeParseException e) {
                    return;
                }
                rows.accept(new ReportRow(date, EntityLevel.LINE_ITEM, field(record, columns, "Line Item ID"),
                        whole(field(record, columns, "Impressions")), whole(field(record, columns, "Clicks")),
                        new BigDecimal(number(field(record, columns, "Total Conversions"))),
                        columns.containsKey("TrueView: Views") ? whole(field(record, columns, "TrueView: Views")) : 0,
                        Money.ofDecimal(number(field(record, columns, "Media Cost (Advertiser Currency)")), currency),
                        Money.ofDecimal(number(field(record, columns, "Revenue (Adv Currency)")), currency)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String field(CsvRecord record, Map<String, Integer> columns, String name) {
        int i = columns.get(name);
        return i < record.getFieldCount() ? record.getField(i).trim() : "";
    }

    private static String number(String value) {
        return value.isEmpty() ? "0" : value;
    }

    private static long whole(String value) {
        return new BigDecimal(number(value)).longValueExact();
    }

    private void deleteQuietly(AccountRef account, String queryId) {
        // a report run that was interrupted (its execution cancelled) still deletes its query: the call is made with the
        // interrupt put aside, and the interrupt restored after it; nothing here replaces the failure being reported
        boolean interrupted = Thread.interrupted();
        try {
            send(account, "DELETE", bidManager("/v2/queries/" + path(queryId)), null);
        } catch (RuntimeException e) {
            // a left-over one-time query costs nothing but a line in the DV360 UI; the report itself is delivered
            LOG.warnf("could not delete Bid Manager query %s of %s: %s", queryId, account.key(), e.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ObjectNode googleDate(LocalDate d) {
        return JSON.createObjectNode().put("year", d.getYear()).put("month", d.getMonthValue()).put("day", d.getDayOfMonth());
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DspException.Unavailable("interrupted while waiting for a Bid Manager report", e);
        }
    }

    // --- calls --------------------------------------------------------------------------------------------------------

    private JsonNode get(AccountRef account, URI uri, ResponseClassifier classifier) {
        return read(http.sendAuthorized(account, oauth::login, token -> authorized(uri, token).GET().build(), classifier).body());
    }

    private JsonNode send(AccountRef account, String method, URI uri, String body) {
        return read(http.sendAuthorized(account, oauth::login, token -> authorized(uri, token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), GoogleClassifiers.bidManager()).body());
    }

    private static HttpRequest.Builder authorized(URI uri, AccessToken token) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token.value()).header("Accept", "application/json");
    }

    private static JsonNode read(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            // the classifier already retried incomplete bodies; what is left is not JSON at all
            throw new DspException.Rejected(200, "DV360 answered with a body that is not JSON");
        }
    }

    private URI dv360(String pathAndQuery) {
        return DspEndpoints.resolve(endpoints.dv360(), pathAndQuery);
    }

    private URI bidManager(String path) {
        return DspEndpoints.resolve(endpoints.bidManager(), path);
    }

    private static String path(String segment) {
        return DspEndpoints.segment(segment);
    }
}
