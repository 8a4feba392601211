package io.clp.dspsim;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Amazon Ads API for Amazon DSP, base URL {@code /amazon} (production {@code https://advertising-api.amazon.com}).
 * Every call needs {@code Authorization: Bearer Atza|...} (from {@code /amazon-auth}) and
 * {@code Amazon-Advertising-API-ClientId}; DSP calls also {@code Amazon-Advertising-API-Scope} (the profile id) and,
 * for {@code /dsp/v1}, {@code Amazon-Ads-AccountId} (the DSP advertiser id).
 *
 * <ul>
 *   <li>{@code GET /v2/profiles}: one agency profile per simulated advertiser; profile id = {@link #profileId}.</li>
 *   <li>{@code GET /dsp/advertisers/{id}}: the advertiser (name, currency, time zone).</li>
 *   <li>{@code POST /dsp/v1/campaigns/list} (campaigns with their {@code flights}), {@code /dsp/v1/adGroups/list}
 *       (with {@code flightId}), {@code /dsp/v1/creatives/list} (with {@code adGroupId}): body {maxResults <= 100,
 *       nextToken} -> {campaigns|adGroups|creatives, nextToken}. Deleted objects are not listed.</li>
 *   <li>Reporting v3: {@code POST /reporting/reports} (31 days at most; an identical pending request is 425 naming
 *       it), {@code GET /reporting/reports/{id}} PENDING -> PROCESSING -> COMPLETED (url of a gzip JSON array) or
 *       FAILED.</li>
 * </ul>
 * Errors are {@code {code, details}}; throttling is 429 with Retry-After.
 */
final class AmazonApi implements DspApi {

    static final String REPORT_CONTENT_TYPE = "application/vnd.createasyncreportrequest.v3+json";
    static final int MAX_RESULTS = 100;
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");
    private static final DateTimeFormatter UPDATED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");

    private final Simulation simulation;
    private final Map<String, Report> reports = new ConcurrentHashMap<>();

    private static final class Report {
        final String id;
        final String accountId;
        final String requestKey;
        final JsonNode request;
        final boolean fails;
        final Instant createdAt = Instant.now();
        Instant updatedAt = createdAt;
        String status = "PENDING";
        String url;
        int size;

        Report(String id, String accountId, String requestKey, JsonNode request, boolean fails) {
            this.id = id;
            this.accountId = accountId;
            this.requestKey = requestKey;
            this.request = request;
            this.fails = fails;
        }
    }

    AmazonApi(Simulation simulation) {
        this.simulation = simulation;
    }

    @Override
    public String prefix() {
        return "/amazon";
    }

    /** The profile id of an advertiser's agency profile: a number, stable per advertiser id. */
    static long profileId(String advertiserId) {
        try {
            return 4_400_000_000_000L + Long.parseLong(advertiserId);
        } catch (NumberFormatException e) {
            return 4_500_000_000_000L + (advertiserId.hashCode() & 0x7fffffffL);
        }
    }

    @Override
    public void handle(SimExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (SimExchange.BadRequest e) {
            error(exchange, 400, "BAD_REQUEST", e.getMessage());
        }
    }

    private void route(SimExchange ex) throws IOException {
        String path = ex.path();
        String method = ex.method();
        Optional<SimAccount> scoped = ex.header("Amazon-Advertising-API-Scope").flatMap(this::byProfile);
        scoped.ifPresent(a -> ex.account(a.id()));
        if (scoped.isPresent() && fault(ex, scoped.get())) {
            return;
        }
        if (simulation.tokens().check("amazon", ex.bearer().orElse(null)).isEmpty()) {
            error(ex, 401, "UNAUTHORIZED", "Not authorized to access this resource: the access token is invalid or expired");
            return;
        }
        if (!Catalog.CLIENT_ID.equals(ex.header("Amazon-Advertising-API-ClientId").orElse(null))) {
            error(ex, 400, "INVALID_ARGUMENT", "Amazon-Advertising-API-ClientId is missing or does not match the token");
            return;
        }
        if (path.equals("/v2/profiles") && method.equals("GET")) {
            profiles(ex);
            return;
        }
        if (scoped.isEmpty()) {
            error(ex, ex.header("Amazon-Advertising-API-Scope").isPresent() ? 401 : 400, "UNAUTHORIZED",
                    "Amazon-Advertising-API-Scope is missing or names no profile of this client");
            return;
        }
        SimAccount a = scoped.get();
        if (path.startsWith("/dsp/v1/")) {
            String accountHeader = ex.header("Amazon-Ads-AccountId").orElse(null);
            if (accountHeader == null) {
                error(ex, 400, "INVALID_ARGUMENT", "Amazon-Ads-AccountId is required");
                return;
            }
            if (!accountHeader.equals(a.id())) {
                error(ex, 403, "FORBIDDEN", "The account is not accessible under this profile");
                return;
            }
        }
        if (path.startsWith("/dsp/advertisers/") && method.equals("GET")) {
            if (!path.substring("/dsp/advertisers/".length()).equals(a.id())) {
                error(ex, 404, "NOT_FOUND", "No such advertiser under this profile");
                return;
            }
            ex.json(200, Map.of("advertiserId", a.id(), "name", a.name(), "currency", a.currency(),
                    "timezone", a.timeZone().getId(), "country", "US", "url", "https://example.com"));
        } else if (path.equals("/dsp/v1/campaigns/list") && method.equals("POST")) {
            page(ex, "campaigns", () -> visible(a, SimEntity.CAMPAIGN), e -> campaign(a, e));
        } else if (path.equals("/dsp/v1/adGroups/list") && method.equals("POST")) {
            page(ex, "adGroups", () -> visible(a, SimEntity.LINE_ITEM), e -> adGroup(a, e));
        } else if (path.equals("/dsp/v1/creatives/list") && method.equals("POST")) {
            page(ex, "creatives", () -> visible(a, SimEntity.CREATIVE), e -> creative(a, e));
        } else if (path.equals("/reporting/reports") && method.equals("POST")) {
            createReport(ex, a);
        } else if (path.startsWith("/reporting/reports/") && method.equals("GET")) {
            readReport(ex, a, path.substring("/reporting/reports/".length()));
        } else {
            error(ex, 404, "NOT_FOUND", "No such resource: " + method + " " + path);
        }
    }

    private Optional<SimAccount> byProfile(String profile) {
        return simulation.catalog().accounts("amazon").stream()
                .filter(a -> String.valueOf(profileId(a.id())).equals(profile.trim())).findFirst();
    }

    private boolean fault(SimExchange ex, SimAccount a) throws IOException {
        Optional<Fault> fault = simulation.faults().takeOnCall("amazon", a.id(), ex.path().endsWith("/list"));
        if (fault.isEmpty()) {
            return false;
        }
        Fault f = fault.get();
        switch (f.type()) {
            case THROTTLE -> ex.json(429, Map.of("code", "429", "details", "Too Many Requests"),
                    Map.of("Retry-After", String.valueOf(f.retryAfterSeconds())));
            case SERVER_ERROR -> error(ex, 500, "INTERNAL_ERROR", "Internal Server Error");
            case TIMEOUT -> {
                f.hang();
                error(ex, 504, "GATEWAY_TIMEOUT", "Gateway Timeout");
            }
            case EXPIRED_TOKEN -> {
                simulation.tokens().revokeAll("amazon");
                return false;
            }
            case TRUNCATED_PAGE -> ex.truncated(200, Map.of("campaigns",
                    visible(a, SimEntity.CAMPAIGN).limit(MAX_RESULTS).map(e -> campaign(a, e)).toList(), "nextToken", token(MAX_RESULTS)));
            default -> {
                return false;
            }
        }
        return true;
    }

    // --- profiles and hierarchy ---------------------------------------------------------------------------------------

    private void profiles(SimExchange ex) throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (SimAccount a : simulation.catalog().accounts("amazon")) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("profileId", profileId(a.id()));
            p.put("countryCode", a.currency().equals("EUR") ? "FR" : "US");
            p.put("currencyCode", a.currency());
            p.put("timezone", a.timeZone().getId());
            p.put("accountInfo", Map.of("marketplaceStringId", "ATVPDKIKX0DER", "id", a.id(), "type", "agency", "name", a.name(),
                    "validPaymentMethod", true));
            list.add(p);
        }
        ex.json(200, list);
    }

    private static Stream<SimEntity> visible(SimAccount a, int level) {
        return a.entities(level).stream().filter(e -> !e.removed());
    }

    /** One page of a level: entities are computed on access, so only the page's are rendered. */
    private void page(SimExchange ex, String field, Supplier<Stream<SimEntity>> entities,
                      Function<SimEntity, Map<String, Object>> render) throws IOException {
        JsonNode body = ex.json();
        int max = body.path("maxResults").asInt(MAX_RESULTS);
        if (max < 1 || max > MAX_RESULTS) {
            throw new SimExchange.BadRequest("maxResults must be between 1 and " + MAX_RESULTS);
        }
        int start = 0;
        String next = body.path("nextToken").asText(null);
        if (next != null && !next.isEmpty()) {
            try {
                start = Integer.parseInt(new String(Base64.getUrlDecoder().decode(next), StandardCharsets.UTF_8).substring("offset:".length()));
            } catch (RuntimeException e) {
                throw new SimExchange.BadRequest("nextToken is invalid");
            }
        }
        List<SimEntity> window = entities.get().skip(start).limit(max + 1L).toList();
        List<Map<String, Object>> page = window.stream().limit(max).map(render).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(field, page);
        if (window.size() > max) {
            out.put("nextToken", token(start + page.size()));
        }
        ex.json(200, out);
    }

    private static String token(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, Object> campaign(SimAccount a, SimEntity c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("campaignId", c.id());
        m.put("advertiserId", a.id());
        m.put("name", c.name());
        m.put("state", c.status());
        m.put("currencyCode", a.currency());
        budget(m, c);
        List<Map<String, Object>> flights = new ArrayList<>();
        for (SimEntity io : a.children(SimEntity.INSERTION_ORDER, c.index())) {
            if (io.removed()) {
                continue;
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("flightId", io.id());
            f.put("name", io.name());
            f.put("startDateTime", start(io, a));
            f.put("endDateTime", end(io, a));
            f.put("budgetAmount", io.budget());
            f.put("lastUpdatedDateTime", UPDATED.format(io.updatedAt().atOffset(ZoneOffset.UTC)));
            flights.add(f);
        }
        m.put("flights", Map.of("flights", flights));
        m.put("startDateTime", start(c, a));
        m.put("endDateTime", end(c, a));
        m.put("optimization", Map.of("bidStrategy", "SPEND_BUDGET_IN_FULL", "goalSetting", Map.of("kpi", "REACH")));
        m.put("lastUpdatedDateTime", UPDATED.format(c.updatedAt().atOffset(ZoneOffset.UTC)));
        return m;
    }

    private Map<String, Object> adGroup(SimAccount a, SimEntity li) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("adGroupId", li.id());
        m.put("campaignId", li.campaignId());
        m.put("flightId", li.parentId());
        m.put("name", li.name());
        m.put("state", li.status());
        m.put("inventoryType", "STANDARD_DISPLAY");
        m.put("startDateTime", start(li, a));
        m.put("endDateTime", end(li, a));
        budget(m, li);
        m.put("pacing", Map.of("deliveryProfile", li.pacingType().equals("ASAP") ? "FRONT_LOADED" : "EVEN"));
        m.put("bid", Map.of("baseBid", new BigDecimal("3.00")));
        m.put("lastUpdatedDateTime", UPDATED.format(li.updatedAt().atOffset(ZoneOffset.UTC)));
        return m;
    }

    private Map<String, Object> creative(SimAccount a, SimEntity c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("creativeId", c.id());
        m.put("advertiserId", a.id());
        m.put("adGroupId", c.parentId());
        m.put("name", c.name());
        m.put("state", c.status());
        m.put("creativeType", "STANDARD_DISPLAY");
        m.put("lastUpdatedDateTime", UPDATED.format(c.updatedAt().atOffset(ZoneOffset.UTC)));
        return m;
    }

    /** Lifetime budgets are {@code budgetAmount}; daily ones a DAILY budget cap. */
    private static void budget(Map<String, Object> m, SimEntity e) {
        if (e.budgetType().equals("daily")) {
            m.put("budgetCaps", List.of(Map.of("recurrenceTimePeriod", "DAILY", "amount", e.budget())));
        } else {
            m.put("budgetAmount", e.budget());
        }
    }

    /** ISO UTC: the account's local midnight of the first day. */
    private static String start(SimEntity e, SimAccount a) {
        return ISO.format(e.startDate().atStartOfDay(a.timeZone()).withZoneSameInstant(ZoneOffset.UTC));
    }

    /** ISO UTC: the last second of the last day in the account's zone. */
    private static String end(SimEntity e, SimAccount a) {
        return ISO.format(e.endDate().plusDays(1).atStartOfDay(a.timeZone()).minusSeconds(1).withZoneSameInstant(ZoneOffset.UTC));
    }

    // --- reporting v3 -----------------------------------------------------------------------------------------------

    private void createReport(SimExchange ex, SimAccount a) throws IOException {
        String contentType = ex.header("Content-Type").orElse("");
        if (!contentType.startsWith(REPORT_CONTENT_TYPE)) {
            error(ex, 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be " + REPORT_CONTENT_TYPE);
            return;
        }
        JsonNode b = ex.json();
        JsonNode config = b.path("configuration");
        if (!"DEMAND_SIDE_PLATFORM".equals(config.path("adProduct").asText())) {
            throw new SimExchange.BadRequest("configuration.adProduct must be DEMAND_SIDE_PLATFORM");
        }
        if (!"dspCampaign".equals(config.path("reportTypeId").asText())) {
            throw new SimExchange.BadRequest("configuration.reportTypeId " + config.path("reportTypeId").asText() + " is not supported");
        }
        LocalDate start;
        LocalDate end;
        try {
            start = LocalDate.parse(b.path("startDate").asText());
            end = LocalDate.parse(b.path("endDate").asText());
        } catch (RuntimeException e) {
            throw new SimExchange.BadRequest("startDate and endDate must be YYYY-MM-DD");
        }
        if (end.isBefore(start) || ChronoUnit.DAYS.between(start, end) + 1 > 31) {
            throw new SimExchange.BadRequest("The report date range must be between 1 and 31 days");
        }
        if (!"DAILY".equals(config.path("timeUnit").asText()) || !"GZIP_JSON".equals(config.path("format").asText())) {
            throw new SimExchange.BadRequest("This simulator supports timeUnit DAILY with format GZIP_JSON");
        }
        String key = a.id() + ":" + SimExchange.JSON.writeValueAsString(b);
        synchronized (reports) {
            for (Report r : reports.values()) {
                if (r.requestKey.equals(key) && (r.status.equals("PENDING") || r.status.equals("PROCESSING"))) {
                    ex.json(425, Map.of("code", "425", "detail", "The Request is a duplicate of : " + r.id));
                    return;
                }
            }
            boolean fails = simulation.faults().take("amazon", a.id(), Fault.Type.FAILED_REPORT).isPresent();
            Report r = new Report(UUID.randomUUID().toString(), a.id(), key, b, fails);
            reports.put(r.id, r);
            ex.json(200, view(r));
        }
    }

    private void readReport(SimExchange ex, SimAccount a, String id) throws IOException {
        Report r = reports.get(id);
        if (r == null || !r.accountId.equals(a.id())) {
            error(ex, 404, "NOT_FOUND", "Report " + id + " not found");
            return;
        }
        synchronized (r) {
            switch (r.status) {
                case "PENDING" -> r.status = "PROCESSING";
                case "PROCESSING" -> complete(ex, a, r);
                default -> {
                }
            }
            r.updatedAt = Instant.now();
            ex.json(200, view(r));
        }
    }

    private void complete(SimExchange ex, SimAccount a, Report r) throws IOException {
        if (r.fails) {
            r.status = "FAILED";
            return;
        }
        LocalDate start = LocalDate.parse(r.request.path("startDate").asText());
        LocalDate end = LocalDate.parse(r.request.path("endDate").asText());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes);
             JsonGenerator out = SimExchange.JSON.getFactory().createGenerator(gzip)) {
            out.writeStartArray();
            List<SimEntity> lineItems = a.entities(SimEntity.LINE_ITEM);
            for (LocalDate day = start; !day.isAfter(end); day = day.plusDays(1)) {
                for (SimEntity li : lineItems) {
                    SimAccount.Delivery d = a.delivery(SimEntity.LINE_ITEM, li.index(), day);
                    out.writeStartObject();
                    out.writeStringField("date", day.toString());
                    out.writeStringField("advertiserId", a.id());
                    out.writeStringField("orderId", li.campaignId());
                    out.writeStringField("lineItemId", li.id());
                    out.writeNumberField("impressions", d.impressions());
                    out.writeNumberField("clickThroughs", d.clicks());
                    out.writeNumberField("totalPurchases", d.conversions());
                    out.writeNumberField("videoComplete", d.views());
                    out.writeNumberField("totalCost", d.spend());
                    out.writeNumberField("totalSales", d.revenue());
                    out.writeStringField("orderCurrency", a.currency());
                    out.writeEndObject();
                }
            }
            out.writeEndArray();
        }
        byte[] content = bytes.toByteArray();
        r.url = ex.baseUrl("/files/" + simulation.files().put(".json.gz", "application/gzip", content));
        r.size = content.length;
        r.status = "COMPLETED";
    }

    private static Map<String, Object> view(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reportId", r.id);
        m.put("name", r.request.path("name").asText(null));
        m.put("status", r.status);
        m.put("startDate", r.request.path("startDate").asText());
        m.put("endDate", r.request.path("endDate").asText());
        m.put("configuration", r.request.path("configuration"));
        m.put("createdAt", ISO.format(r.createdAt.atOffset(ZoneOffset.UTC)));
        m.put("updatedAt", ISO.format(r.updatedAt.atOffset(ZoneOffset.UTC)));
        m.put("generatedAt", r.status.equals("COMPLETED") ? ISO.format(r.updatedAt.atOffset(ZoneOffset.UTC)) : null);
        m.put("url", r.url);
        m.put("urlExpiresAt", r.url == null ? null : ISO.format(r.updatedAt.plusSeconds(3600).atOffset(ZoneOffset.UTC)));
        m.put("fileSize", r.url == null ? null : r.size);
        m.put("failureReason", r.status.equals("FAILED") ? "Report generation failed due to an internal error" : null);
        return m;
    }

    private static void error(SimExchange ex, int status, String code, String details) throws IOException {
        ex.json(status, Map.of("code", code, "details", details));
    }
}
