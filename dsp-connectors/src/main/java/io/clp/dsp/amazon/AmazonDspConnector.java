package io.clp.dsp.amazon;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.clp.dsp.http.Outcome;
import io.clp.dsp.http.ResponseClassifier;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Amazon Ads API for Amazon DSP. Login with Amazon refresh-token grant ({@code client_id}, {@code client_secret},
 * {@code refresh_token}); {@code profile_id} is the agency profile that scopes the calls, the account id is the DSP
 * advertiser id. Levels: campaign (formerly order); campaign flight (insertion order, from the campaigns'
 * {@code flights}); ad group (formerly line item; parent = its flight); creative (parent = its ad group). Pages use
 * Amazon's {@code nextToken} as the page token. The list calls cannot filter by update time, so an incremental listing
 * reads every page and keeps what changed at or after {@code updatedSince}. Reports: reporting v3 {@code dspCampaign},
 * daily, gzip JSON, in windows of at most 31 days; a 425 duplicate is joined, not re-sent. See docs/dsp-connectors.md.
 */
public final class AmazonDspConnector implements DspConnector {

    static final int MAX_RESULTS = 100;
    static final int MAX_REPORT_DAYS = 31;
    static final String REPORT_CONTENT_TYPE = "application/vnd.createasyncreportrequest.v3+json";
    private static final int MAX_REPORT_POLLS = 200;

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** 429 with Retry-After, 5xx retried, 401 an expired token; a 2xx body that is not whole JSON was cut short: read again. */
    static final ResponseClassifier CLASSIFIER = response -> {
        int status = response.statusCode();
        if (status >= 200 && status < 300 && !ResponseClassifier.completeJson(response.body())) {
            return new Outcome.Unavailable("truncated answer");
        }
        return ResponseClassifier.standardOutcome(response);
    };

    /** Creating a report: 425 names the identical pending request, which the connector then follows. */
    private static final ResponseClassifier CREATE_REPORT = response ->
            response.statusCode() == 425 ? Outcome.OK : CLASSIFIER.classify(response);

    private final DspHttp http;
    private final DspEndpoints endpoints;
    private final OAuth2Refresh oauth;
    private final Map<String, AccountInfo> infos = new ConcurrentHashMap<>();

    public AmazonDspConnector(DspHttp http, DspEndpoints endpoints) {
        this.http = http;
        this.endpoints = endpoints;
        this.oauth = new OAuth2Refresh(http, DspEndpoints.resolve(endpoints.amazonAuth(), "/auth/o2/token"), Clock.systemUTC());
    }

    @Override
    public Dsp dsp() {
        return Dsp.AMAZON;
    }

    @Override
    public Set<String> credentialNames() {
        return Set.of("client_id", "client_secret", "refresh_token", "profile_id");
    }


    // --- account -------------------------------------------------------------------------------------------------

    /**
     * Crosses: {@code access_token} (a Login with Amazon access token, an hour at most), {@code client_id} (not a
     * secret; every Amazon Ads call names it in {@code Amazon-Advertising-API-ClientId}) and {@code profile_id} (the
     * scope header). Stays: the client secret and the refresh token.
     */
    @Override
    public DelegatedAccess delegate(AccountRef account) {
        credentialNames().forEach(account.credentials()::require);
        AccessToken token = http.tokens().forDelegation(account, oauth::login, DelegatedAccess.MINIMUM_LIFETIME.toSeconds());
        return DelegatedAccess.of(token, null, Map.of("client_id", account.credentials().require("client_id"),
                "profile_id", account.credentials().require("profile_id")));
    }

    @Override
    public AccountInfo connect(AccountRef account) {
        String profileId = account.credentials().require("profile_id");
        JsonNode profiles = parse(http.sendAuthorized(account, oauth::login, token -> request(account, token, "/v2/profiles", false)
                .GET().build(), CLASSIFIER).body());
        JsonNode profile = null;
        for (JsonNode p : profiles) {
            if (p.path("profileId").asText().equals(profileId)) {
                profile = p;
            }
        }
        if (profile == null) {
            throw new DspException.InvalidCredentials("the Amazon Ads client has no profile " + profileId);
        }
        String advertiserId = profile.path("accountInfo").path("id").asText();
        if (!"agency".equals(profile.path("accountInfo").path("type").asText()) || !advertiserId.equals(account.externalAccountId())) {
            throw new DspException.Rejected(403, "Amazon profile " + profileId + " is not the DSP profile of advertiser "
                    + account.externalAccountId());
        }
        JsonNode advertiser = get(account, "/dsp/advertisers/" + DspEndpoints.segment(account.externalAccountId()));
        ZoneId zone = ZoneOffset.UTC;
        try {
            zone = ZoneId.of(profile.path("timezone").asText("UTC"));
        } catch (DateTimeException ignored) {
            // an unknown zone name keeps UTC, the zone Amazon's own timestamps use
        }
        AccountInfo info = new AccountInfo(account.externalAccountId(),
                advertiser.path("name").asText(profile.path("accountInfo").path("name").asText(null)), zone,
                Currency.getInstance(profile.path("currencyCode").asText(advertiser.path("currency").asText("USD"))), profileId);
        infos.put(account.key(), info);
        return info;
    }

    private AccountInfo info(AccountRef account) {
        AccountInfo known = infos.get(account.key());
        return known != null ? known : connect(account);
    }

    // --- listing ---------------------------------------------------------------------------------------------------

    @Override
    public HierarchyPage list(AccountRef account, ListRequest request) {
        AccountInfo info = info(account);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("maxResults", MAX_RESULTS);
        if (request.pageToken() != null) {
            body.put("nextToken", request.pageToken());
        }
        List<DspEntity> entities = new ArrayList<>();
        JsonNode page;
        switch (request.level()) {
            case CAMPAIGN, INSERTION_ORDER -> {
                page = post(account, "/dsp/v1/campaigns/list", body);
                for (JsonNode c : page.path("campaigns")) {
                    if (request.level() == EntityLevel.CAMPAIGN) {
                        entities.add(campaign(c, info));
                    } else {
                        for (JsonNode f : c.path("flights").path("flights")) {
                            entities.add(flight(f, c, info));
                        }
                    }
                }
            }
            case LINE_ITEM -> {
                page = post(account, "/dsp/v1/adGroups/list", body);
                for (JsonNode g : page.path("adGroups")) {
                    entities.add(adGroup(g, info));
                }
            }
            case CREATIVE -> {
                page = post(account, "/dsp/v1/creatives/list", body);
                for (JsonNode c : page.path("creatives")) {
                    entities.add(creative(c, info));
                }
            }
            default -> throw new IllegalArgumentException("unknown level " + request.level());
        }
        if (request.updatedSince() != null) {
            // lastUpdatedDateTime has millisecond precision
            Instant since = request.updatedSince().truncatedTo(ChronoUnit.MILLIS);
            entities.removeIf(e -> e.updatedAt() != null && e.updatedAt().isBefore(since));
        }
        String next = page.path("nextToken").asText(null);
        return new HierarchyPage(entities, next == null || next.isEmpty() ? null : next);
    }

    private DspEntity campaign(JsonNode c, AccountInfo info) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        if (c.path("optimization").has("bidStrategy")) {
            attributes.put("bidStrategy", c.path("optimization").path("bidStrategy").asText());
        }
        String state = c.path("state").asText(null);
        Budget budget = budget(c, info);
        return new DspEntity(EntityLevel.CAMPAIGN, c.path("campaignId").asText(), null, c.path("name").asText(), status(state), state,
                budget.money, budget.type, day(c.path("startDateTime"), info.timeZone()), day(c.path("endDateTime"), info.timeZone()),
                Map.of(), List.of(), info.externalAccountId(), info.displayName(), updatedAt(c), attributes);
    }

    private DspEntity flight(JsonNode f, JsonNode campaign, AccountInfo info) {
        String state = campaign.path("state").asText(null);
        JsonNode amount = f.path("budgetAmount");
        return new DspEntity(EntityLevel.INSERTION_ORDER, f.path("flightId").asText(), campaign.path("campaignId").asText(),
                f.path("name").asText(campaign.path("name").asText() + " flight " + f.path("flightId").asText()),
                status(state), state, decimal(amount, info), amount.isMissingNode() || amount.isNull() ? null : "lifetime",
                day(f.path("startDateTime"), info.timeZone()), day(f.path("endDateTime"), info.timeZone()),
                Map.of(), List.of(), info.externalAccountId(), info.displayName(), updatedAt(f), Map.of());
    }

    private DspEntity adGroup(JsonNode g, AccountInfo info) {
        String state = g.path("state").asText(null);
        Budget budget = budget(g, info);
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("campaignId", g.path("campaignId").asText());
        if (g.hasNonNull("inventoryType")) {
            attributes.put("inventoryType", g.path("inventoryType").asText());
        }
        if (g.path("bid").hasNonNull("baseBid")) {
            attributes.put("baseBid", Money.ofDecimal(g.path("bid").path("baseBid").asText(), info.currency()).amount());
        }
        Map<String, Object> pacing = g.path("pacing").hasNonNull("deliveryProfile")
                ? Map.of("deliveryProfile", g.path("pacing").path("deliveryProfile").asText()) : Map.of();
        return new DspEntity(EntityLevel.LINE_ITEM, g.path("adGroupId").asText(), g.path("flightId").asText(null),
                g.path("name").asText(), status(state), state, budget.money, budget.type,
                day(g.path("startDateTime"), info.timeZone()), day(g.path("endDateTime"), info.timeZone()),
                pacing, List.of(), info.externalAccountId(), info.displayName(), updatedAt(g), attributes);
    }

    private DspEntity creative(JsonNode c, AccountInfo info) {
        String state = c.path("state").asText(null);
        Map<String, Object> attributes = c.hasNonNull("creativeType") ? Map.of("creativeType", c.path("creativeType").asText()) : Map.of();
        return new DspEntity(EntityLevel.CREATIVE, c.path("creativeId").asText(), c.path("adGroupId").asText(null),
                c.path("name").asText(), status(state), state, null, null, null, null, Map.of(), List.of(),
                info.externalAccountId(), info.displayName(), updatedAt(c), attributes);
    }

    static EntityStatus status(String state) {
        if (state == null) {
            return EntityStatus.PAUSED;
        }
        return switch (state) {
            case "ACTIVE", "ENABLED", "DELIVERING" -> EntityStatus.ACTIVE;
            case "ARCHIVED", "ENDED" -> EntityStatus.ARCHIVED;
            case "DRAFT" -> EntityStatus.DRAFT;
            case "DELETED", "REMOVED" -> EntityStatus.REMOVED;
            default -> EntityStatus.PAUSED;
        };
    }

    private record Budget(Money money, String type) {
    }

    /** {@code budgetAmount} is a lifetime budget; a DAILY {@code budgetCaps} entry a daily one. */
    private static Budget budget(JsonNode node, AccountInfo info) {
        if (node.hasNonNull("budgetAmount")) {
            return new Budget(decimal(node.path("budgetAmount"), info), "lifetime");
        }
        for (JsonNode cap : node.path("budgetCaps")) {
            if ("DAILY".equals(cap.path("recurrenceTimePeriod").asText())) {
                return new Budget(decimal(cap.path("amount"), info), "daily");
            }
        }
        return new Budget(null, null);
    }

    private static Money decimal(JsonNode amount, AccountInfo info) {
        return amount == null || amount.isMissingNode() || amount.isNull() ? null : Money.ofDecimal(amount.asText(), info.currency());
    }

    /** Amazon's date-times are ISO UTC; the account day is where the instant falls in the profile's time zone. */
    private static LocalDate day(JsonNode iso, ZoneId zone) {
        Instant at = instant(iso);
        return at == null ? null : at.atZone(zone).toLocalDate();
    }

    private static Instant instant(JsonNode iso) {
        if (iso == null || !iso.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(iso.asText());
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static Instant updatedAt(JsonNode node) {
        return instant(node.path("lastUpdatedDateTime"));
    }

    // --- reports ---------------------------------------------------------------------------------------------------

    @Override
    public void dailyReport(AccountRef account, LocalDate from, LocalDate to, Consumer<ReportRow> rows) {
        AccountInfo info = info(account);
        for (LocalDate start = from; !start.isAfter(to); start = start.plusDays(MAX_REPORT_DAYS)) {
            LocalDate end = start.plusDays(MAX_REPORT_DAYS - 1).isAfter(to) ? to : start.plusDays(MAX_REPORT_DAYS - 1);
            reportWindow(account, info, start, end, rows);
        }
    }

    /**
     * The v3 request for one window. Deterministic (the name too) so that a request repeated while the first is still
     * pending (a retry after a timeout, a sync resumed after a crash) is answered 425 and joins that report.
     */
    static String reportRequest(String advertiserId, LocalDate from, LocalDate to) {
        Map<String, Object> configuration = new LinkedHashMap<>();
        configuration.put("adProduct", "DEMAND_SIDE_PLATFORM");
        configuration.put("reportTypeId", "dspCampaign");
        configuration.put("groupBy", List.of("ad"));
        configuration.put("columns", List.of("date", "advertiserId", "orderId", "lineItemId", "impressions", "clickThroughs",
                "totalPurchases", "videoComplete", "totalCost", "totalSales"));
        configuration.put("timeUnit", "DAILY");
        configuration.put("format", "GZIP_JSON");
        configuration.put("filters", List.of(Map.of("field", "advertiserId", "values", List.of(advertiserId))));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "CLP daily " + advertiserId + " " + from + ".." + to);
        body.put("startDate", from.toString());
        body.put("endDate", to.toString());
        body.put("configuration", configuration);
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void reportWindow(AccountRef account, AccountInfo info, LocalDate from, LocalDate to, Consumer<ReportRow> rows) {
        String body = reportRequest(account.externalAccountId(), from, to);
        HttpResponse<String> created = http.sendAuthorized(account, oauth::login, token -> request(account, token, "/reporting/reports", false)
                .header("Content-Type", REPORT_CONTENT_TYPE).POST(HttpRequest.BodyPublishers.ofString(body)).build(), CREATE_REPORT);
        JsonNode answer = parse(created.body());
        String reportId = created.statusCode() == 425 ? duplicateOf(answer) : answer.path("reportId").asText(null);
        if (reportId == null) {
            throw new DspException.Rejected(created.statusCode(), "Amazon answered a report request without a report id");
        }
        JsonNode report = await(account, reportId);
        String status = report.path("status").asText();
        if (!"COMPLETED".equals(status)) {
            throw new DspException.ReportFailed("Amazon report " + reportId + " for advertiser " + account.externalAccountId()
                    + " ended " + status + (report.hasNonNull("failureReason") ? ": " + report.path("failureReason").asText() : ""));
        }
        String url = report.path("url").asText(null);
        if (url == null) {
            throw new DspException.ReportFailed("Amazon report " + reportId + " completed without a url");
        }
        read(account, url, info, rows);
    }

    /** 425's detail names the pending report: "The Request is a duplicate of : <reportId>". */
    static String duplicateOf(JsonNode answer) {
        String detail = answer.path("detail").asText(answer.path("details").asText(""));
        int at = detail.lastIndexOf(':');
        String id = at < 0 ? "" : detail.substring(at + 1).trim();
        if (id.isEmpty()) {
            throw new DspException.Rejected(425, "Amazon refused a duplicate report request without naming the original");
        }
        return id;
    }

    private JsonNode await(AccountRef account, String reportId) {
        Retry poll = Retry.of("amazon-report-" + reportId, RetryConfig.<JsonNode>custom()
                .maxAttempts(MAX_REPORT_POLLS)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(account.rateLimit().initialBackoff(), 1.5,
                        account.rateLimit().maxBackoff()))
                .retryOnResult(r -> "PENDING".equals(r.path("status").asText()) || "PROCESSING".equals(r.path("status").asText()))
                .retryExceptions()
                .build());
        JsonNode last = poll.executeSupplier(() -> get(account, "/reporting/reports/" + DspEndpoints.segment(reportId)));
        String status = last.path("status").asText();
        if ("PENDING".equals(status) || "PROCESSING".equals(status)) {
            throw new DspException.ReportFailed("Amazon report " + reportId + " did not complete in time");
        }
        return last;
    }

    private void read(AccountRef account, String url, AccountInfo info, Consumer<ReportRow> rows) {
        // a pre-signed S3 URL: fetched without the account's token
        try (InputStream raw = http.download(account, url);
             GZIPInputStream in = new GZIPInputStream(raw);
             JsonParser parser = JSON.getFactory().createParser(in)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new DspException.Rejected(200, "the Amazon report is not a JSON array");
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                JsonNode r = JSON.readTree(parser);
                rows.accept(new ReportRow(LocalDate.parse(r.path("date").asText()), EntityLevel.LINE_ITEM, r.path("lineItemId").asText(),
                        r.path("impressions").asLong(), r.path("clickThroughs").asLong(), new BigDecimal(r.path("totalPurchases").asText("0")),
                        r.path("videoComplete").asLong(), Money.ofDecimal(r.path("totalCost").asText("0"), info.currency()),
                        Money.ofDecimal(r.path("totalSales").asText("0"), info.currency())));
            }
        } catch (IOException e) {
            throw new DspException.Unavailable("reading the Amazon report of advertiser " + account.externalAccountId() + " failed", e);
        }
    }

    // --- HTTP ------------------------------------------------------------------------------------------------------

    private HttpRequest.Builder request(AccountRef account, AccessToken token, String path, boolean dspV1) {
        HttpRequest.Builder b = HttpRequest.newBuilder(DspEndpoints.resolve(endpoints.amazon(), path))
                .header("Authorization", "Bearer " + token.value())
                .header("Amazon-Advertising-API-ClientId", account.credentials().require("client_id"))
                .header("Accept", "application/json");
        if (!path.equals("/v2/profiles")) {
            b.header("Amazon-Advertising-API-Scope", account.credentials().require("profile_id"));
        }
        if (dspV1) {
            b.header("Amazon-Ads-AccountId", account.externalAccountId());
        }
        return b;
    }

    private JsonNode get(AccountRef account, String path) {
        return parse(http.sendAuthorized(account, oauth::login, token -> request(account, token, path, false).GET().build(), CLASSIFIER).body());
    }

    private JsonNode post(AccountRef account, String path, Map<String, Object> body) {
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parse(http.sendAuthorized(account, oauth::login, token -> request(account, token, path, path.startsWith("/dsp/v1/"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(), CLASSIFIER).body());
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new DspException.Rejected(200, "Amazon answered with malformed JSON");
        }
    }
}
