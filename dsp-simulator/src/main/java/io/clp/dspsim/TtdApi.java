package io.clp.dspsim;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The Trade Desk Platform API v3 (REST), base URL {@code /ttd} (production {@code https://api.thetradedesk.com}).
 *
 * <ul>
 *   <li>{@code POST /v3/authentication} {Login, Password, TokenExpirationInMinutes} -> {Token}; every other call needs
 *       the header {@code TTD-Auth}.</li>
 *   <li>{@code GET /v3/advertiser/{id}}; {@code POST /v3/campaign/query/advertiser} (campaigns with their
 *       {@code CampaignFlights}), {@code POST /v3/adgroup/query/advertiser} and {@code /adgroup/query/campaign},
 *       {@code POST /v3/creative/query/advertiser} (optional {@code CreativeIds} filter): {PageStartIndex, PageSize
 *       <= 100} -> {Result, ResultCount, TotalFilteredCount, TotalUnfilteredCount}. Deleted objects are not listed.</li>
 *   <li>My Reports: {@code POST /v3/myreports/reporttemplateheader/query}, {@code POST /v3/myreports/reportschedule},
 *       {@code POST /v3/myreports/reportexecution/query/advertisers} (Pending, then Complete or Failed),
 *       {@code DELETE /v3/myreports/reportschedule/{id}}; the CSV holds one row per ad group and day.</li>
 * </ul>
 * Errors are TTD's {@code {Message, ErrorDetails[]}}; throttling is 429 with Retry-After.
 */
final class TtdApi implements DspApi {

    static final String TEMPLATE_ID = "7700001";
    static final String TEMPLATE_NAME = "CLP Ad Group Daily";
    static final int MAX_PAGE_SIZE = 100;
    static final List<String> REPORT_COLUMNS = List.of("Date", "Advertiser ID", "Campaign ID", "Ad Group ID", "Impressions",
            "Clicks", "Total Click + View Conversions", "Player Completed Views", "Advertiser Cost (Adv Currency)",
            "Total Revenue (Adv Currency)");
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter UPDATED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");

    private final Simulation simulation;
    private final AtomicLong ids = new AtomicLong(1_000);
    private final Map<String, Schedule> schedules = new ConcurrentHashMap<>();

    private static final class Schedule {
        final String id;
        final String executionId;
        final String advertiserId;
        final LocalDate start;
        final LocalDate endExclusive;
        final String timeZone;
        final boolean fails;
        int polls;
        String state = "Pending";
        String downloadUrl;
        Instant lastChange = Instant.now();

        Schedule(String id, String executionId, String advertiserId, LocalDate start, LocalDate endExclusive, String timeZone, boolean fails) {
            this.id = id;
            this.executionId = executionId;
            this.advertiserId = advertiserId;
            this.start = start;
            this.endExclusive = endExclusive;
            this.timeZone = timeZone;
            this.fails = fails;
        }
    }

    TtdApi(Simulation simulation) {
        this.simulation = simulation;
    }

    @Override
    public String prefix() {
        return "/ttd";
    }

    @Override
    public void handle(SimExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (SimExchange.BadRequest e) {
            error(exchange, 400, "BadRequest", e.getMessage());
        }
    }

    private void route(SimExchange ex) throws IOException {
        String path = ex.path();
        String method = ex.method();
        if (path.equals("/v3/authentication") && method.equals("POST")) {
            authenticate(ex);
            return;
        }
        String accountId = accountOf(ex);
        ex.account(accountId);
        if (accountId != null && fault(ex, accountId)) {
            return;
        }
        if (simulation.tokens().check("ttd", ex.header("TTD-Auth").orElse(null)).isEmpty()) {
            error(ex, 401, "Unauthorized", "The authentication token is missing, invalid or expired.");
            return;
        }
        if (path.startsWith("/v3/myreports/reportschedule/") && method.equals("DELETE")) {
            Schedule removed = schedules.remove(path.substring("/v3/myreports/reportschedule/".length()));
            if (removed == null) {
                error(ex, 404, "NotFound", "No report schedule with this id.");
            } else {
                ex.json(200, Map.of("ReportScheduleId", removed.id));
            }
            return;
        }
        if (path.equals("/v3/myreports/reporttemplateheader/query") && method.equals("POST")) {
            templates(ex);
            return;
        }
        if (path.equals("/v3/myreports/reportschedule") && method.equals("POST")) {
            schedule(ex);
            return;
        }
        if (path.equals("/v3/myreports/reportexecution/query/advertisers") && method.equals("POST")) {
            executions(ex);
            return;
        }
        Optional<SimAccount> account = accountId == null ? Optional.empty() : simulation.catalog().account("ttd", accountId);
        if (account.isEmpty()) {
            error(ex, 403, "Forbidden", "The advertiser does not exist or the user has no access to it.");
            return;
        }
        SimAccount a = account.get();
        if (path.startsWith("/v3/advertiser/") && method.equals("GET")) {
            advertiser(ex, a);
        } else if (path.equals("/v3/campaign/query/advertiser") && method.equals("POST")) {
            page(ex, () -> visible(a, SimEntity.CAMPAIGN, null), e -> campaign(a, e));
        } else if ((path.equals("/v3/adgroup/query/advertiser") || path.equals("/v3/adgroup/query/campaign")) && method.equals("POST")) {
            String campaignId = path.endsWith("/campaign") ? text(ex.json(), "CampaignId") : null;
            page(ex, () -> visible(a, SimEntity.LINE_ITEM, campaignId), e -> adGroup(a, e));
        } else if (path.equals("/v3/creative/query/advertiser") && method.equals("POST")) {
            JsonNode filter = ex.json().path("CreativeIds");
            Supplier<Stream<SimEntity>> creatives;
            if (filter.isArray() && !filter.isEmpty()) {
                List<SimEntity> chosen = new ArrayList<>();
                filter.forEach(id -> {
                    SimEntity c = a.byId(SimEntity.CREATIVE, id.asText());
                    if (c != null && !c.removed()) {
                        chosen.add(c);
                    }
                });
                creatives = chosen::stream;
            } else {
                creatives = () -> visible(a, SimEntity.CREATIVE, null);
            }
            page(ex, creatives, e -> creative(a, e));
        } else {
            error(ex, 404, "NotFound", "No such resource: " + method + " " + path);
        }
    }

    // --- auth -------------------------------------------------------------------------------------------------------

    private void authenticate(SimExchange ex) throws IOException {
        JsonNode body = ex.json();
        if (!Catalog.TTD_LOGIN.equals(text(body, "Login")) || !Catalog.TTD_PASSWORD.equals(text(body, "Password"))) {
            error(ex, 401, "Unauthorized", "The login or password is incorrect.");
            return;
        }
        int minutes = body.path("TokenExpirationInMinutes").asInt(0);
        minutes = minutes <= 0 ? 1440 : Math.min(minutes, 1440);
        String token = simulation.tokens().issue("ttd", Catalog.TTD_LOGIN, "ttd-", Duration.ofMinutes(minutes));
        ex.json(200, Map.of("Token", token));
    }

    /** The advertiser a call is about: in the path, the body's AdvertiserId/AdvertiserIds, or the schedule's. */
    private String accountOf(SimExchange ex) throws IOException {
        String path = ex.path();
        if (path.startsWith("/v3/advertiser/")) {
            return path.substring("/v3/advertiser/".length());
        }
        if (path.startsWith("/v3/myreports/reportschedule/")) {
            Schedule s = schedules.get(path.substring("/v3/myreports/reportschedule/".length()));
            return s == null ? null : s.advertiserId;
        }
        if (!ex.method().equals("POST")) {
            return null;
        }
        JsonNode body = ex.json();
        if (body.hasNonNull("AdvertiserId")) {
            return body.get("AdvertiserId").asText();
        }
        for (String field : List.of("AdvertiserIds", "AdvertiserFilters")) {
            if (body.path(field).isArray() && !body.path(field).isEmpty()) {
                return body.path(field).get(0).asText();
            }
        }
        if (body.hasNonNull("CampaignId")) {
            String campaignId = body.get("CampaignId").asText();
            return simulation.catalog().accounts("ttd").stream()
                    .filter(a -> a.byId(SimEntity.CAMPAIGN, campaignId) != null).map(SimAccount::id).findFirst().orElse(null);
        }
        return null;
    }

    /** Plays an armed fault; true when the call is answered by it. */
    private boolean fault(SimExchange ex, String accountId) throws IOException {
        Optional<Fault> fault = simulation.faults().takeOnCall("ttd", accountId, ex.path().contains("/query/"));
        if (fault.isEmpty()) {
            return false;
        }
        Fault f = fault.get();
        switch (f.type()) {
            case THROTTLE -> ex.json(429, errorBody("TooManyRequests", "Rate limit exceeded. Retry after "
                    + f.retryAfterSeconds() + " seconds."), Map.of("Retry-After", String.valueOf(f.retryAfterSeconds())));
            case SERVER_ERROR -> error(ex, 503, "ServiceUnavailable", "The service is temporarily unavailable.");
            case TIMEOUT -> {
                f.hang();
                error(ex, 504, "GatewayTimeout", "The request timed out.");
            }
            case EXPIRED_TOKEN -> {
                simulation.tokens().revokeAll("ttd");
                return false;
            }
            case TRUNCATED_PAGE -> {
                SimAccount a = simulation.catalog().account("ttd", accountId).orElse(null);
                if (a == null) {
                    return false;
                }
                ex.truncated(200, pageBody(visible(a, SimEntity.CAMPAIGN, null).limit(MAX_PAGE_SIZE).map(e -> campaign(a, e)).toList(),
                        a.count(SimEntity.CAMPAIGN)));
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    // --- hierarchy --------------------------------------------------------------------------------------------------

    private void advertiser(SimExchange ex, SimAccount a) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("PartnerId", "ttdpartner1");
        body.put("AdvertiserId", a.id());
        body.put("AdvertiserName", a.name());
        body.put("CurrencyCode", a.currency());
        body.put("TimeZone", a.timeZone().getId());
        body.put("Availability", "Available");
        ex.json(200, body);
    }

    private static Stream<SimEntity> visible(SimAccount a, int level, String campaignId) {
        Stream<SimEntity> all;
        if (campaignId != null) {
            SimEntity campaign = a.byId(SimEntity.CAMPAIGN, campaignId);
            if (campaign == null) {
                return Stream.empty();
            }
            all = a.children(SimEntity.INSERTION_ORDER, campaign.index()).stream()
                    .flatMap(io -> a.children(SimEntity.LINE_ITEM, io.index()).stream());
        } else {
            all = a.entities(level).stream();
        }
        return all.filter(e -> !e.removed());
    }

    /** One page of a level: entities are computed on access, so only the page's are rendered (the count walks them once). */
    private void page(SimExchange ex, Supplier<Stream<SimEntity>> entities, Function<SimEntity, Map<String, Object>> render)
            throws IOException {
        JsonNode body = ex.json();
        int start = body.path("PageStartIndex").asInt(0);
        int size = body.path("PageSize").asInt(MAX_PAGE_SIZE);
        if (start < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new SimExchange.BadRequest("PageStartIndex must be >= 0 and PageSize between 1 and " + MAX_PAGE_SIZE);
        }
        long total = entities.get().count();
        List<Map<String, Object>> page = entities.get().skip(start).limit(size).map(render).toList();
        ex.json(200, pageBody(page, total));
    }

    private static Map<String, Object> pageBody(List<Map<String, Object>> page, long total) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Result", page);
        body.put("ResultCount", page.size());
        body.put("TotalFilteredCount", total);
        body.put("TotalUnfilteredCount", total);
        return body;
    }

    private Map<String, Object> campaign(SimAccount a, SimEntity c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("CampaignId", c.id());
        m.put("AdvertiserId", a.id());
        m.put("CampaignName", c.name());
        m.put("Version", "Kokai");
        m.put(c.budgetType().equals("daily") ? "DailyBudget" : "Budget", money(c.budget(), a));
        m.put("StartDate", utc(c.startDate(), a.timeZone()));
        m.put("EndDate", utc(c.endDate().plusDays(1), a.timeZone()));
        m.put("PacingMode", pacingMode(c));
        m.put("Availability", c.status().equals("ARCHIVED") ? "Archived" : "Available");
        m.put("PrimaryChannel", "Display");
        m.put("LastUpdatedAtUTC", UPDATED.format(c.updatedAt().atOffset(ZoneOffset.UTC)));
        List<Map<String, Object>> flights = new ArrayList<>();
        for (SimEntity io : a.children(SimEntity.INSERTION_ORDER, c.index())) {
            if (io.removed()) {
                continue;
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("CampaignFlightId", io.id());
            f.put("CampaignId", c.id());
            f.put("StartDateInclusiveUTC", utc(io.startDate(), a.timeZone()));
            f.put("EndDateExclusiveUTC", utc(io.endDate().plusDays(1), a.timeZone()));
            f.put(io.budgetType().equals("daily") ? "DailyTargetInAdvertiserCurrency" : "BudgetInAdvertiserCurrency", io.budget());
            f.put("LastUpdatedAtUTC", UPDATED.format(io.updatedAt().atOffset(ZoneOffset.UTC)));
            flights.add(f);
        }
        m.put("CampaignFlights", flights);
        return m;
    }

    private Map<String, Object> adGroup(SimAccount a, SimEntity li) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("AdGroupId", li.id());
        m.put("CampaignId", li.campaignId());
        m.put("AdGroupName", li.name());
        m.put("IsEnabled", li.status().equals("ACTIVE"));
        m.put("Availability", li.status().equals("ARCHIVED") ? "Archived" : "Available");
        m.put("LastUpdatedAtUTC", UPDATED.format(li.updatedAt().atOffset(ZoneOffset.UTC)));
        Map<String, Object> flight = new LinkedHashMap<>();
        flight.put("CampaignFlightId", li.parentId());
        flight.put(li.budgetType().equals("daily") ? "DailyTargetInAdvertiserCurrency" : "BudgetInAdvertiserCurrency", li.budget());
        Map<String, Object> budget = new LinkedHashMap<>();
        budget.put("PacingMode", pacingMode(li));
        budget.put("AdGroupFlights", List.of(flight));
        Map<String, Object> rtb = new LinkedHashMap<>();
        rtb.put("BudgetSettings", budget);
        rtb.put("BaseBidCPM", money(new BigDecimal("2.50"), a));
        rtb.put("MaxBidCPM", money(new BigDecimal("10.00"), a));
        rtb.put("CreativeIds", a.children(SimEntity.CREATIVE, li.index()).stream().filter(c -> !c.removed()).map(SimEntity::id).toList());
        m.put("RTBAttributes", rtb);
        return m;
    }

    private Map<String, Object> creative(SimAccount a, SimEntity c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("CreativeId", c.id());
        m.put("AdvertiserId", a.id());
        m.put("CreativeName", c.name());
        m.put("Availability", c.status().equals("ARCHIVED") ? "Archived" : "Available");
        m.put("LastUpdatedAtUTC", UPDATED.format(c.updatedAt().atOffset(ZoneOffset.UTC)));
        m.put("ImageAttributes", Map.of("Width", 300, "Height", 250));
        return m;
    }

    private static String pacingMode(SimEntity e) {
        return e.pacingType().equals("ASAP") ? "PaceAhead" : "PaceEvenly";
    }

    private static Map<String, Object> money(BigDecimal amount, SimAccount a) {
        return Map.of("Amount", amount, "CurrencyCode", a.currency());
    }

    /** TTD's date-times are UTC without an offset: the account's local midnight of {@code day}, as UTC. */
    static String utc(LocalDate day, ZoneId zone) {
        return UTC_TIME.format(day.atStartOfDay(zone).withZoneSameInstant(ZoneOffset.UTC));
    }

    // --- My Reports ---------------------------------------------------------------------------------------------------

    private void templates(SimExchange ex) throws IOException {
        String contains = text(ex.json(), "NameContains");
        List<Map<String, Object>> result = contains == null || TEMPLATE_NAME.toLowerCase().contains(contains.toLowerCase())
                ? List.of(Map.of("ReportTemplateId", TEMPLATE_ID, "Name", TEMPLATE_NAME, "Type", "Custom"))
                : List.of();
        ex.json(200, pageBody(result, result.size()));
    }

    private void schedule(SimExchange ex) throws IOException {
        JsonNode b = ex.json();
        if (!TEMPLATE_ID.equals(text(b, "ReportTemplateId"))) {
            throw new SimExchange.BadRequest("ReportTemplateId is not a template of this partner.");
        }
        String advertiserId = b.path("AdvertiserFilters").path(0).asText(null);
        if (advertiserId == null || simulation.catalog().account("ttd", advertiserId).isEmpty()) {
            throw new SimExchange.BadRequest("AdvertiserFilters must name one advertiser.");
        }
        LocalDate start = date(b, "ReportStartDateInclusive");
        LocalDate end = date(b, "ReportEndDateExclusive");
        if (!end.isAfter(start)) {
            throw new SimExchange.BadRequest("ReportEndDateExclusive must be after ReportStartDateInclusive.");
        }
        boolean fails = simulation.faults().take("ttd", advertiserId, Fault.Type.FAILED_REPORT).isPresent();
        String id = String.valueOf(ids.incrementAndGet());
        Schedule s = new Schedule(id, String.valueOf(ids.incrementAndGet()), advertiserId, start, end,
                b.path("TimeZone").asText("UTC"), fails);
        schedules.put(id, s);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ReportScheduleId", id);
        body.put("ReportScheduleName", b.path("ReportScheduleName").asText(""));
        body.put("ReportFrequency", b.path("ReportFrequency").asText("Once"));
        ex.json(200, body);
    }

    private void executions(SimExchange ex) throws IOException {
        JsonNode b = ex.json();
        List<String> wanted = new ArrayList<>();
        b.path("ReportScheduleIds").forEach(n -> wanted.add(n.asText()));
        List<Map<String, Object>> result = new ArrayList<>();
        for (String id : wanted) {
            Schedule s = schedules.get(id);
            if (s == null) {
                continue;
            }
            synchronized (s) {
                advance(ex, s);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("ReportExecutionId", s.executionId);
                m.put("ReportScheduleId", s.id);
                m.put("ReportExecutionState", s.state);
                m.put("LastStateChangeUTC", UTC_TIME.format(s.lastChange.atOffset(ZoneOffset.UTC)));
                m.put("Timezone", s.timeZone);
                m.put("ReportStartDateInclusive", s.start + "T00:00:00");
                m.put("ReportEndDateExclusive", s.endExclusive + "T00:00:00");
                m.put("ReportDeliveries", s.downloadUrl == null ? List.of()
                        : List.of(Map.of("DownloadURL", s.downloadUrl, "DeliveredUTC", UTC_TIME.format(s.lastChange.atOffset(ZoneOffset.UTC)))));
                result.add(m);
            }
        }
        ex.json(200, pageBody(result, result.size()));
    }

    /** A schedule runs once: Pending on the first look, then Complete (with its file) or Failed. */
    private void advance(SimExchange ex, Schedule s) throws IOException {
        if (!s.state.equals("Pending") || s.polls++ < 1) {
            return;
        }
        s.lastChange = Instant.now();
        if (s.fails) {
            s.state = "Failed";
            return;
        }
        SimAccount a = simulation.catalog().account("ttd", s.advertiserId).orElseThrow();
        StringWriter csv = new StringWriter();
        csv.append(String.join(",", REPORT_COLUMNS.stream().map(TtdApi::quote).toList())).append("\r\n");
        List<SimEntity> lineItems = a.entities(SimEntity.LINE_ITEM);
        for (LocalDate day = s.start; day.isBefore(s.endExclusive); day = day.plusDays(1)) {
            for (SimEntity li : lineItems) {
                SimAccount.Delivery d = a.delivery(SimEntity.LINE_ITEM, li.index(), day);
                csv.append(day.toString()).append(',').append(a.id()).append(',').append(li.campaignId()).append(',')
                        .append(li.id()).append(',').append(String.valueOf(d.impressions())).append(',')
                        .append(String.valueOf(d.clicks())).append(',').append(String.valueOf(d.conversions())).append(',')
                        .append(String.valueOf(d.views())).append(',').append(d.spend().toPlainString()).append(',')
                        .append(d.revenue().toPlainString()).append("\r\n");
            }
        }
        String name = simulation.files().put(".csv", "text/csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        s.downloadUrl = ex.baseUrl("/files/" + name);
        s.state = "Complete";
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static LocalDate date(JsonNode b, String field) {
        String v = text(b, field);
        if (v == null) {
            throw new SimExchange.BadRequest(field + " is required.");
        }
        try {
            return v.length() > 10 ? LocalDateTime.parse(v).toLocalDate() : LocalDate.parse(v);
        } catch (RuntimeException e) {
            throw new SimExchange.BadRequest(field + " is not an ISO date.");
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------------

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Map<String, Object> errorBody(String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Message", message);
        body.put("ErrorDetails", List.of(Map.of("Reasons", List.of(message), "Property", code)));
        return body;
    }

    private static void error(SimExchange ex, int status, String code, String message) throws IOException {
        ex.json(status, errorBody(code, message));
    }

}
