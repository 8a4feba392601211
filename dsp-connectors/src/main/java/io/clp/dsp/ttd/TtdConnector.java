package io.clp.dsp.ttd;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.NamedCsvRecord;
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
import io.clp.dsp.http.Outcome;
import io.clp.dsp.http.ResponseClassifier;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The Trade Desk Platform API v3 (REST). Login and password give a {@code TTD-Auth} token (cached per account with
 * its lifetime, renewed once when TTD answers 401/403). Levels: campaign; campaign flight (insertion order, listed
 * from the campaigns' {@code CampaignFlights}); ad group (line item, parent = the campaign flight of its
 * {@code AdGroupFlights}); creative (parent = the ad group whose {@code CreativeIds} name it). Pages are
 * {@code PageStartIndex} offsets; the page token is the next offset. TTD's REST queries cannot filter by update
 * time, so an incremental listing reads every page and keeps what changed at or after {@code updatedSince}
 * ({@code LastUpdatedAtUTC}). Daily reports run through My Reports. See docs/dsp-connectors.md.
 */
public final class TtdConnector implements DspConnector {

    static final String TEMPLATE_NAME = "CLP Ad Group Daily";
    static final int PAGE_SIZE = 100;
    /** Ad groups per creative page: each names its creatives, read in one filtered creative query. */
    static final int AD_GROUPS_PER_CREATIVE_PAGE = 50;
    static final int TOKEN_MINUTES = 1440;
    private static final int MAX_REPORT_POLLS = 120;

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final DspHttp http;
    private final DspEndpoints endpoints;
    /** Time zone and currency per account, read once by {@link #connect} or the first listing. */
    private final Map<String, AccountInfo> infos = new ConcurrentHashMap<>();

    public TtdConnector(DspHttp http, DspEndpoints endpoints) {
        this.http = http;
        this.endpoints = endpoints;
    }

    @Override
    public Dsp dsp() {
        return Dsp.TTD;
    }

    @Override
    public Set<String> credentialNames() {
        return Set.of("login", "password");
    }

    /** 429 with Retry-After; 401 and 403 mean the token expired (TTD answers either); a 200 that is not JSON was cut short. */
    static final ResponseClassifier CLASSIFIER = response -> {
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            return Outcome.EXPIRED_TOKEN;
        }
        if (status >= 200 && status < 300 && !ResponseClassifier.completeJson(response.body())) {
            return new Outcome.Unavailable("truncated answer");
        }
        return ResponseClassifier.standardOutcome(response);
    };


    /**
     * Crosses: {@code access_token} (the {@code TTD-Auth} token from the account's login, which TTD issues for
     * {@value #TOKEN_MINUTES} minutes). Stays: login and password.
     */
    @Override
    public DelegatedAccess delegate(AccountRef account) {
        credentialNames().forEach(account.credentials()::require);
        AccessToken token = http.tokens().forDelegation(account, this::login, DelegatedAccess.MINIMUM_LIFETIME.toSeconds());
        return DelegatedAccess.of(token, null, Map.of());
    }

    @Override
    public AccountInfo connect(AccountRef account) {
        AccountInfo info = readAdvertiser(account);
        infos.put(account.key(), info);
        return info;
    }

    private AccountInfo info(AccountRef account) {
        AccountInfo known = infos.get(account.key());
        return known != null ? known : connect(account);
    }

    private AccountInfo readAdvertiser(AccountRef account) {
        JsonNode a = get(account, "/v3/advertiser/" + DspEndpoints.segment(account.externalAccountId()));
        ZoneId zone = ZoneOffset.UTC;
        String tz = a.path("TimeZone").asText(null);
        if (tz != null) {
            try {
                zone = ZoneId.of(tz);
            } catch (DateTimeException ignored) {
                // TTD documents no advertiser time zone; an unknown value falls back to UTC, TTD's own reporting default
            }
        }
        return new AccountInfo(a.path("AdvertiserId").asText(account.externalAccountId()), a.path("AdvertiserName").asText(null),
                zone, Currency.getInstance(a.path("CurrencyCode").asText("USD")), a.path("PartnerId").asText(null));
    }

    // --- listing -----------------------------------------------------------------------------------------------------

    @Override
    public HierarchyPage list(AccountRef account, ListRequest request) {
        AccountInfo info = info(account);
        int offset = request.pageToken() == null ? 0 : parseOffset(request.pageToken());
        List<DspEntity> entities = new ArrayList<>();
        String next;
        switch (request.level()) {
            case CAMPAIGN, INSERTION_ORDER -> {
                JsonNode page = query(account, "/v3/campaign/query/advertiser", offset, PAGE_SIZE, Map.of());
                for (JsonNode c : page.path("Result")) {
                    if (request.level() == EntityLevel.CAMPAIGN) {
                        entities.add(campaign(c, info));
                    } else {
                        for (JsonNode f : c.path("CampaignFlights")) {
                            entities.add(flight(f, c, info));
                        }
                    }
                }
                next = nextOffset(page, offset);
            }
            case LINE_ITEM -> {
                JsonNode page = query(account, "/v3/adgroup/query/advertiser", offset, PAGE_SIZE, Map.of());
                for (JsonNode g : page.path("Result")) {
                    entities.add(adGroup(g, info));
                }
                next = nextOffset(page, offset);
            }
            case CREATIVE -> {
                JsonNode page = query(account, "/v3/adgroup/query/advertiser", offset, AD_GROUPS_PER_CREATIVE_PAGE, Map.of());
                Map<String, String> parentOf = new LinkedHashMap<>();
                for (JsonNode g : page.path("Result")) {
                    g.path("RTBAttributes").path("CreativeIds").forEach(id -> parentOf.putIfAbsent(id.asText(), g.path("AdGroupId").asText()));
                }
                List<String> ids = new ArrayList<>(parentOf.keySet());
                for (int i = 0; i < ids.size(); i += PAGE_SIZE) {
                    List<String> chunk = ids.subList(i, Math.min(ids.size(), i + PAGE_SIZE));
                    JsonNode creatives = query(account, "/v3/creative/query/advertiser", 0, PAGE_SIZE, Map.of("CreativeIds", chunk));
                    for (JsonNode c : creatives.path("Result")) {
                        entities.add(creative(c, parentOf.get(c.path("CreativeId").asText()), info));
                    }
                }
                next = nextOffset(page, offset);
            }
            default -> throw new IllegalArgumentException("unknown level " + request.level());
        }
        if (request.updatedSince() != null) {
            // TTD's LastUpdatedAtUTC has millisecond precision: compare at that precision so nothing changed in the same
            // millisecond as updatedSince is lost
            Instant since = request.updatedSince().truncatedTo(ChronoUnit.MILLIS);
            entities.removeIf(e -> e.updatedAt() != null && e.updatedAt().isBefore(since));
        }
        return new HierarchyPage(entities, next);
    }

    private static int parseOffset(String token) {
        try {
            int offset = Integer.parseInt(token);
            if (offset < 0) {
                throw new NumberFormatException();
            }
            return offset;
        } catch (NumberFormatException e) {
            throw new DspException.Rejected(400, "not a TTD page token (a PageStartIndex offset): " + token);
        }
    }

    private static String nextOffset(JsonNode page, int offset) {
        int count = page.path("Result").size();
        long total = page.path("TotalFilteredCount").asLong(0);
        return count == 0 || offset + count >= total ? null : String.valueOf(offset + count);
    }

    private DspEntity campaign(JsonNode c, AccountInfo info) {
        boolean daily = c.hasNonNull("DailyBudget") && !c.hasNonNull("Budget");
        JsonNode budget = daily ? c.path("DailyBudget") : c.path("Budget");
        Map<String, Object> attributes = new LinkedHashMap<>();
        putText(attributes, "version", c, "Version");
        putText(attributes, "primaryChannel", c, "PrimaryChannel");
        String availability = c.path("Availability").asText("Available");
        return new DspEntity(EntityLevel.CAMPAIGN, c.path("CampaignId").asText(), null, c.path("CampaignName").asText(),
                "Archived".equals(availability) ? EntityStatus.ARCHIVED : EntityStatus.ACTIVE, availability,
                money(budget, info), budget.isMissingNode() ? null : daily ? "daily" : "lifetime",
                startDay(c.path("StartDate"), info.timeZone()), endDayExclusive(c.path("EndDate"), info.timeZone()),
                pacing(c.path("PacingMode").asText(null)), List.of(), info.externalAccountId(), info.displayName(),
                updatedAt(c), attributes);
    }

    private DspEntity flight(JsonNode f, JsonNode campaign, AccountInfo info) {
        boolean daily = f.hasNonNull("DailyTargetInAdvertiserCurrency") && !f.hasNonNull("BudgetInAdvertiserCurrency");
        JsonNode amount = daily ? f.path("DailyTargetInAdvertiserCurrency") : f.path("BudgetInAdvertiserCurrency");
        String availability = campaign.path("Availability").asText("Available");
        return new DspEntity(EntityLevel.INSERTION_ORDER, f.path("CampaignFlightId").asText(), campaign.path("CampaignId").asText(),
                campaign.path("CampaignName").asText() + " flight " + f.path("CampaignFlightId").asText(),
                "Archived".equals(availability) ? EntityStatus.ARCHIVED : EntityStatus.ACTIVE, availability,
                decimal(amount, info), amount.isMissingNode() ? null : daily ? "daily" : "lifetime",
                startDay(f.path("StartDateInclusiveUTC"), info.timeZone()), endDayExclusive(f.path("EndDateExclusiveUTC"), info.timeZone()),
                Map.of(), List.of(), info.externalAccountId(), info.displayName(), updatedAt(f), Map.of());
    }

    private DspEntity adGroup(JsonNode g, AccountInfo info) {
        JsonNode rtb = g.path("RTBAttributes");
        JsonNode flight = rtb.path("BudgetSettings").path("AdGroupFlights").path(0);
        boolean daily = flight.hasNonNull("DailyTargetInAdvertiserCurrency") && !flight.hasNonNull("BudgetInAdvertiserCurrency");
        JsonNode amount = daily ? flight.path("DailyTargetInAdvertiserCurrency") : flight.path("BudgetInAdvertiserCurrency");
        String availability = g.path("Availability").asText("Available");
        boolean enabled = g.path("IsEnabled").asBoolean(false);
        EntityStatus status = "Archived".equals(availability) ? EntityStatus.ARCHIVED : enabled ? EntityStatus.ACTIVE : EntityStatus.PAUSED;
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("campaignId", g.path("CampaignId").asText());
        if (rtb.has("BaseBidCPM")) {
            attributes.put("baseBidCpm", money(rtb.path("BaseBidCPM"), info).amount());
        }
        if (rtb.has("MaxBidCPM")) {
            attributes.put("maxBidCpm", money(rtb.path("MaxBidCPM"), info).amount());
        }
        return new DspEntity(EntityLevel.LINE_ITEM, g.path("AdGroupId").asText(), flight.path("CampaignFlightId").asText(null),
                g.path("AdGroupName").asText(), status, availability + (enabled ? "/Enabled" : "/Disabled"),
                decimal(amount, info), amount.isMissingNode() ? null : daily ? "daily" : "lifetime", null, null,
                pacing(rtb.path("BudgetSettings").path("PacingMode").asText(null)), List.of(), info.externalAccountId(),
                info.displayName(), updatedAt(g), attributes);
    }

    private DspEntity creative(JsonNode c, String adGroupId, AccountInfo info) {
        String availability = c.path("Availability").asText("Available");
        Map<String, Object> attributes = new LinkedHashMap<>();
        if (c.path("ImageAttributes").isObject()) {
            attributes.put("width", c.path("ImageAttributes").path("Width").asInt());
            attributes.put("height", c.path("ImageAttributes").path("Height").asInt());
        }
        return new DspEntity(EntityLevel.CREATIVE, c.path("CreativeId").asText(), adGroupId, c.path("CreativeName").asText(),
                "Archived".equals(availability) ? EntityStatus.ARCHIVED : EntityStatus.ACTIVE, availability, null, null, null, null,
                Map.of(), List.of(), info.externalAccountId(), info.displayName(), updatedAt(c), attributes);
    }

    private static void putText(Map<String, Object> into, String key, JsonNode node, String field) {
        if (node.hasNonNull(field)) {
            into.put(key, node.get(field).asText());
        }
    }

    private static Map<String, Object> pacing(String mode) {
        return mode == null ? Map.of() : Map.of("mode", mode);
    }

    /** {@code {Amount, CurrencyCode}}; the currency TTD names wins over the account's. */
    private static Money money(JsonNode m, AccountInfo info) {
        if (m == null || m.isMissingNode() || m.isNull() || !m.has("Amount")) {
            return null;
        }
        Currency currency = m.hasNonNull("CurrencyCode") ? Currency.getInstance(m.get("CurrencyCode").asText()) : info.currency();
        return Money.ofDecimal(m.get("Amount").asText(), currency);
    }

    /** A bare decimal in the advertiser's currency ({@code ...InAdvertiserCurrency}). */
    private static Money decimal(JsonNode amount, AccountInfo info) {
        return amount == null || amount.isMissingNode() || amount.isNull() ? null : Money.ofDecimal(amount.asText(), info.currency());
    }

    /** TTD date-times are UTC without an offset; the account day is where that instant falls in the account's zone. */
    private static LocalDate startDay(JsonNode utc, ZoneId zone) {
        Instant at = instant(utc);
        return at == null ? null : at.atZone(zone).toLocalDate();
    }

    /** End dates are exclusive instants: the last account day is the one holding the instant just before. */
    private static LocalDate endDayExclusive(JsonNode utc, ZoneId zone) {
        Instant at = instant(utc);
        return at == null ? null : at.minusSeconds(1).atZone(zone).toLocalDate();
    }

    private static Instant instant(JsonNode utc) {
        if (utc == null || !utc.isTextual()) {
            return null;
        }
        String v = utc.asText();
        try {
            return v.endsWith("Z") || v.contains("+") ? Instant.parse(v) : LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static Instant updatedAt(JsonNode node) {
        return instant(node.path("LastUpdatedAtUTC"));
    }

    // --- report ------------------------------------------------------------------------------------------------------

    @Override
    public void dailyReport(AccountRef account, LocalDate from, LocalDate to, Consumer<ReportRow> rows) {
        AccountInfo info = info(account);
        JsonNode templates = post(account, "/v3/myreports/reporttemplateheader/query",
                body(Map.of("NameContains", TEMPLATE_NAME, "PageStartIndex", 0, "PageSize", PAGE_SIZE)));
        String templateId = null;
        for (JsonNode t : templates.path("Result")) {
            if (TEMPLATE_NAME.equals(t.path("Name").asText())) {
                templateId = t.path("ReportTemplateId").asText();
            }
        }
        if (templateId == null) {
            throw new DspException.Rejected(404, "TTD advertiser " + account.externalAccountId()
                    + " has no My Reports template named '" + TEMPLATE_NAME + "'");
        }
        Map<String, Object> schedule = new LinkedHashMap<>();
        schedule.put("ReportScheduleName", "CLP daily " + account.externalAccountId() + " " + from + ".." + to + " " + UUID.randomUUID());
        schedule.put("ReportTemplateId", templateId);
        schedule.put("AdvertiserFilters", List.of(account.externalAccountId()));
        schedule.put("ReportStartDateInclusive", from + "T00:00:00");
        schedule.put("ReportEndDateExclusive", to.plusDays(1) + "T00:00:00");
        schedule.put("ReportFileFormat", "CSV");
        schedule.put("ReportDateRange", "Custom");
        schedule.put("TimeZone", info.timeZone().getId());
        schedule.put("ReportDateFormat", "Sortable");
        schedule.put("ReportNumericFormat", "US");
        schedule.put("IncludeHeaders", true);
        schedule.put("ReportFrequency", "Once");
        String scheduleId = post(account, "/v3/myreports/reportschedule", body(schedule)).path("ReportScheduleId").asText();
        try {
            JsonNode execution = awaitExecution(account, scheduleId);
            String state = execution.path("ReportExecutionState").asText();
            if (!"Complete".equals(state)) {
                throw new DspException.ReportFailed("TTD report schedule " + scheduleId + " for advertiser "
                        + account.externalAccountId() + " ended " + state);
            }
            String url = execution.path("ReportDeliveries").path(0).path("DownloadURL").asText(null);
            if (url == null) {
                throw new DspException.ReportFailed("TTD report schedule " + scheduleId + " completed without a download URL");
            }
            readCsv(account, url, info, rows);
        } finally {
            deleteSchedule(account, scheduleId);
        }
    }

    private JsonNode awaitExecution(AccountRef account, String scheduleId) {
        Retry poll = Retry.of("ttd-report-" + scheduleId, RetryConfig.<JsonNode>custom()
                .maxAttempts(MAX_REPORT_POLLS)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(account.rateLimit().initialBackoff(), 1.5,
                        account.rateLimit().maxBackoff()))
                .retryOnResult(execution -> execution == null || "Pending".equals(execution.path("ReportExecutionState").asText())
                        || "Running".equals(execution.path("ReportExecutionState").asText()))
                .retryExceptions()
                .build());
        JsonNode last = poll.executeSupplier(() -> {
            JsonNode page = post(account, "/v3/myreports/reportexecution/query/advertisers", body(Map.of(
                    "AdvertiserIds", List.of(account.externalAccountId()), "ReportScheduleIds", List.of(scheduleId),
                    "PageStartIndex", 0, "PageSize", PAGE_SIZE)));
            JsonNode first = page.path("Result").path(0);
            return first.isMissingNode() ? null : first;
        });
        if (last == null || "Pending".equals(last.path("ReportExecutionState").asText())) {
            throw new DspException.ReportFailed("TTD report schedule " + scheduleId + " did not complete in time");
        }
        return last;
    }

    private void readCsv(AccountRef account, String url, AccountInfo info, Consumer<ReportRow> rows) {
        // TTD-Auth goes only to TTD's own API host; DspHttp drops it for a URL anywhere else
        try (InputStream in = http.download(account, url, endpoints.ttd(),
                b -> b.header("TTD-Auth", http.tokens().get(account, this::login).value()));
             Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
             CsvReader<NamedCsvRecord> csv = CsvReader.builder().ofNamedCsvRecord(reader)) {
            for (NamedCsvRecord r : csv) {
                rows.accept(new ReportRow(LocalDate.parse(r.getField("Date").substring(0, 10)), EntityLevel.LINE_ITEM,
                        r.getField("Ad Group ID"), Long.parseLong(r.getField("Impressions")), Long.parseLong(r.getField("Clicks")),
                        new BigDecimal(r.getField("Total Click + View Conversions")), Long.parseLong(r.getField("Player Completed Views")),
                        Money.ofDecimal(r.getField("Advertiser Cost (Adv Currency)"), info.currency()),
                        Money.ofDecimal(r.getField("Total Revenue (Adv Currency)"), info.currency())));
            }
        } catch (IOException | UncheckedIOException e) {
            throw new DspException.Unavailable("reading the TTD report of advertiser " + account.externalAccountId() + " failed", e);
        } catch (RuntimeException e) {
            if (e instanceof DspException d) {
                throw d;
            }
            throw new DspException.Rejected(200, "the TTD report of advertiser " + account.externalAccountId()
                    + " is not in the expected shape: " + e.getMessage());
        }
    }

    private void deleteSchedule(AccountRef account, String scheduleId) {
        try {
            http.sendAuthorized(account, this::login, token -> HttpRequest.newBuilder(uri("/v3/myreports/reportschedule/" + DspEndpoints.segment(scheduleId)))
                    .header("TTD-Auth", token.value()).DELETE().build(), CLASSIFIER);
        } catch (DspException e) {
            // a leftover "Once" schedule never runs again; the report itself is what mattered
        }
    }

    // --- HTTP ------------------------------------------------------------------------------------------------------

    AccessToken login(AccountRef account) {
        String body = body(Map.of("Login", account.credentials().require("login"), "Password", account.credentials().require("password"),
                "TokenExpirationInMinutes", TOKEN_MINUTES));
        HttpResponse<String> response;
        try {
            response = http.send(account, () -> HttpRequest.newBuilder(uri("/v3/authentication"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), r -> {
                int status = r.statusCode();
                return status == 400 || status == 401 || status == 403 ? new Outcome.Rejected("login refused")
                        : ResponseClassifier.standardOutcome(r);
            });
        } catch (DspException.Rejected refused) {
            throw new DspException.InvalidCredentials("TTD refused the login of account " + account.externalAccountId()
                    + " (HTTP " + refused.status() + ")");
        }
        String token = parse(response.body()).path("Token").asText(null);
        if (token == null) {
            throw new DspException.Rejected(response.statusCode(), "TTD authentication answered without a Token");
        }
        return new AccessToken(token, Instant.now().plusSeconds(TOKEN_MINUTES * 60L));
    }

    private JsonNode query(AccountRef account, String path, int offset, int size, Map<String, Object> extra) {
        Map<String, Object> b = new LinkedHashMap<>(extra);
        b.put("AdvertiserId", account.externalAccountId());
        b.put("PageStartIndex", offset);
        b.put("PageSize", size);
        return post(account, path, body(b));
    }

    private JsonNode get(AccountRef account, String path) {
        return parse(http.sendAuthorized(account, this::login, token -> HttpRequest.newBuilder(uri(path))
                .header("TTD-Auth", token.value()).GET().build(), CLASSIFIER).body());
    }

    private JsonNode post(AccountRef account, String path, String body) {
        return parse(http.sendAuthorized(account, this::login, token -> HttpRequest.newBuilder(uri(path))
                .header("TTD-Auth", token.value()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), CLASSIFIER).body());
    }

    private URI uri(String path) {
        return DspEndpoints.resolve(endpoints.ttd(), path);
    }

    private static String body(Map<String, Object> fields) {
        try {
            ObjectNode node = JSON.valueToTree(fields);
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new DspException.Rejected(200, "TTD answered with malformed JSON");
        }
    }
}
