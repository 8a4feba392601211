package io.clp.dsp.googleads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.clp.dsp.http.Outcome;
import io.clp.dsp.http.ResponseClassifier;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Google Ads API (REST v21, GAQL). Mapping: campaign (with its campaign_budget) > ad group (insertion order) > ad group
 * ad (line item, keyed by its ad id) > the ad's assets from {@code ad_group_ad_asset_view} (creative, keyed by asset
 * id, parent the ad id). A full listing pages with {@code googleAds:search} and its {@code nextPageToken} (removed
 * objects come back with status REMOVED); an incremental one reads change_status first. The daily report reads
 * {@code googleAds:searchStream} at ad group ad level by {@code segments.date}, a week per call. Money is micros of the
 * customer's currency.
 */
public final class GoogleAdsConnector implements DspConnector {

    static final String VERSION = "v21";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Days per searchStream call of the daily report: bounds what one answer holds in memory. */
    private static final int REPORT_DAYS_PER_CALL = 7;
    private static final Set<String> DEVELOPER_TOKEN_ERRORS = Set.of("DEVELOPER_TOKEN_INVALID", "DEVELOPER_TOKEN_NOT_APPROVED",
            "DEVELOPER_TOKEN_PROHIBITED", "DEVELOPER_TOKEN_NOT_ON_ALLOWLIST", "NOT_ADS_USER", "CUSTOMER_NOT_FOUND");

    private static final String CAMPAIGN_QUERY = "SELECT customer.currency_code, campaign.id, campaign.name, campaign.status, "
            + "campaign.advertising_channel_type, campaign.start_date, campaign.end_date, campaign_budget.period, "
            + "campaign_budget.amount_micros, campaign_budget.total_amount_micros, campaign_budget.delivery_method FROM campaign";
    private static final String AD_GROUP_QUERY = "SELECT campaign.id, ad_group.id, ad_group.name, ad_group.status, ad_group.type, "
            + "ad_group.cpm_bid_micros FROM ad_group";
    private static final String AD_QUERY = "SELECT ad_group.id, ad_group_ad.ad.id, ad_group_ad.ad.name, ad_group_ad.ad.type, "
            + "ad_group_ad.status FROM ad_group_ad";
    private static final String ASSET_QUERY = "SELECT ad_group_ad_asset_view.ad_group_ad, ad_group_ad_asset_view.field_type, "
            + "ad_group_ad_asset_view.enabled, asset.id, asset.name, asset.type FROM ad_group_ad_asset_view";
    private static final String REPORT_QUERY = "SELECT customer.currency_code, ad_group_ad.ad.id, segments.date, "
            + "metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.conversions, metrics.conversions_value "
            + "FROM ad_group_ad WHERE segments.date BETWEEN '%s' AND '%s'";

    /** change_status can lag a change by up to three minutes; the window starts this much earlier. */
    private static final Duration CHANGE_STATUS_DELAY = Duration.ofMinutes(5);
    /** change_status keeps 90 days of changes. */
    private static final Duration CHANGE_STATUS_WINDOW = Duration.ofDays(89);
    private static final int CHANGE_STATUS_LIMIT = 10_000;
    private static final int IDS_PER_PAGE = 1_000;
    private static final String INCREMENTAL = "inc:";
    private static final DateTimeFormatter CHANGE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final DspHttp http;
    private final DspEndpoints endpoints;
    private final OAuth2Refresh oauth;
    /** A customer's time zone does not change: read once per account for change_status times. */
    private final Map<String, AccountInfo> accounts = new ConcurrentHashMap<>();

    public GoogleAdsConnector(DspHttp http, DspEndpoints endpoints) {
        this.http = http;
        this.endpoints = endpoints;
        this.oauth = new OAuth2Refresh(http, DspEndpoints.resolve(endpoints.googleOAuth(), "/token"), Clock.systemUTC());
    }

    @Override
    public Dsp dsp() {
        return Dsp.GOOGLE_ADS;
    }

    /** {@code login_customer_id} (a manager account's id) is optional and not listed. */
    @Override
    public Set<String> credentialNames() {
        return Set.of("client_id", "client_secret", "refresh_token", "developer_token");
    }

    /**
     * Crosses: {@code access_token} (a Google OAuth access token, an hour at most), {@code developer_token} (a
     * secret, but every Google Ads call must send it in the {@code developer-token} header, so a report cannot run
     * without it; it identifies CLP's API access, not the advertiser, and grants nothing without an access token) and
     * {@code login_customer_id} when the account has one (not a secret). Stays: the OAuth client and the refresh token.
     */
    @Override
    public DelegatedAccess delegate(AccountRef account) {
        credentialNames().forEach(account.credentials()::require);
        AccessToken token = http.tokens().forDelegation(account, oauth::login, DelegatedAccess.MINIMUM_LIFETIME.toSeconds());
        Map<String, String> companions = new java.util.LinkedHashMap<>();
        companions.put("developer_token", account.credentials().require("developer_token"));
        account.credentials().get("login_customer_id").ifPresent(v -> companions.put("login_customer_id", v));
        return DelegatedAccess.of(token, null, companions);
    }

    @Override
    public AccountInfo connect(AccountRef account) {
        JsonNode page = search(account, "SELECT customer.id, customer.descriptive_name, customer.currency_code, "
                + "customer.time_zone, customer.manager FROM customer", null);
        JsonNode customer = page.path("results").path(0).path("customer");
        if (customer.isMissingNode()) {
            throw new DspException.Rejected(200, "Google Ads returned no customer " + customerId(account));
        }
        return new AccountInfo(customer.path("id").asText(customerId(account)), customer.path("descriptiveName").asText(),
                ZoneId.of(customer.path("timeZone").asText("UTC")), Currency.getInstance(customer.path("currencyCode").asText()),
                account.credentials().get("login_customer_id").map(GoogleAdsConnector::digits).orElse(null));
    }

    @Override
    public HierarchyPage list(AccountRef account, ListRequest request) {
        if (incremental(request)) {
            HierarchyPage changed = changedSince(account, request);
            if (changed != null) {
                return changed;
            }
        }
        JsonNode page = search(account, query(request.level()), request.pageToken());
        List<DspEntity> entities = new ArrayList<>();
        for (JsonNode row : page.path("results")) {
            entities.add(entity(request.level(), row));
        }
        String next = page.path("nextPageToken").asText("");
        return new HierarchyPage(entities, next.isEmpty() ? null : next);
    }

    /**
     * Incremental listing through change_status (campaigns, ad groups, ad group ads; assets are always listed in full):
     * the ids changed since {@code updatedSince} minus change_status's few minutes of delay, sorted, then read with
     * {@code id IN (...)} a chunk per page (page token {@code inc:<offset>}). The set of changed ids only grows while a
     * sync pages through it, so a late change can make a page re-read an id, never skip one. Null when the window is
     * older than change_status keeps (90 days) or holds 10,000 changes or more: then the level is listed in full.
     */
    private HierarchyPage changedSince(AccountRef account, ListRequest request) {
        Instant since = request.updatedSince().minus(CHANGE_STATUS_DELAY);
        if (since.isBefore(Instant.now().minus(CHANGE_STATUS_WINDOW))) {
            return null;
        }
        AccountInfo info = accounts.get(account.key());
        if (info == null) {
            // not inside computeIfAbsent: the call to Google must not hold the map's lock
            info = connect(account);
            accounts.put(account.key(), info);
        }
        ZoneId zone = info.timeZone();
        String type = switch (request.level()) {
            case CAMPAIGN -> "CAMPAIGN";
            case INSERTION_ORDER -> "AD_GROUP";
            default -> "AD_GROUP_AD";
        };
        String field = switch (request.level()) {
            case CAMPAIGN -> "change_status.campaign";
            case INSERTION_ORDER -> "change_status.ad_group";
            default -> "change_status.ad_group_ad";
        };
        JsonNode chunks = post(account, "searchStream", "SELECT " + field + ", change_status.resource_status, "
                + "change_status.last_change_date_time FROM change_status WHERE change_status.last_change_date_time >= '"
                + CHANGE_TIME.format(since.atZone(zone)) + "' AND change_status.resource_type = '" + type
                + "' ORDER BY change_status.last_change_date_time LIMIT " + CHANGE_STATUS_LIMIT, null);
        java.util.TreeSet<Long> ids = new java.util.TreeSet<>();
        int rowsSeen = 0;
        for (JsonNode chunk : chunks) {
            for (JsonNode row : chunk.path("results")) {
                rowsSeen++;
                String name = row.path("changeStatus").path(camel(field.substring("change_status.".length()))).asText("");
                String id = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('~')) + 1);
                if (!id.isEmpty()) {
                    ids.add(Long.parseLong(id));
                }
            }
        }
        if (rowsSeen >= CHANGE_STATUS_LIMIT) {
            return null;
        }
        int offset = request.pageToken() == null ? 0 : Integer.parseInt(request.pageToken().substring(INCREMENTAL.length()));
        List<Long> chunk = new ArrayList<>(ids).subList(Math.min(offset, ids.size()), Math.min(ids.size(), offset + IDS_PER_PAGE));
        List<DspEntity> entities = new ArrayList<>();
        if (!chunk.isEmpty()) {
            String idField = switch (request.level()) {
                case CAMPAIGN -> "campaign.id";
                case INSERTION_ORDER -> "ad_group.id";
                default -> "ad_group_ad.ad.id";
            };
            String in = chunk.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
            for (JsonNode part : post(account, "searchStream", query(request.level()) + " WHERE " + idField + " IN (" + in + ")", null)) {
                for (JsonNode row : part.path("results")) {
                    entities.add(entity(request.level(), row));
                }
            }
        }
        int next = offset + IDS_PER_PAGE;
        return new HierarchyPage(entities, next < ids.size() ? INCREMENTAL + next : null);
    }

    private static boolean incremental(ListRequest request) {
        return request.updatedSince() != null && request.level() != EntityLevel.CREATIVE
                && (request.pageToken() == null || request.pageToken().startsWith(INCREMENTAL));
    }

    private static String query(EntityLevel level) {
        return switch (level) {
            case CAMPAIGN -> CAMPAIGN_QUERY;
            case INSERTION_ORDER -> AD_GROUP_QUERY;
            case LINE_ITEM -> AD_QUERY;
            case CREATIVE -> ASSET_QUERY;
        };
    }

    private static DspEntity entity(EntityLevel level, JsonNode row) {
        return switch (level) {
            case CAMPAIGN -> campaign(row);
            case INSERTION_ORDER -> adGroup(row);
            case LINE_ITEM -> ad(row);
            case CREATIVE -> asset(row);
        };
    }

    private static String camel(String snake) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char ch : snake.toCharArray()) {
            if (ch == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            }
        }
        return out.toString();
    }

    @Override
    public void dailyReport(AccountRef account, LocalDate from, LocalDate to, Consumer<ReportRow> rows) {
        for (LocalDate start = from; !start.isAfter(to); start = start.plusDays(REPORT_DAYS_PER_CALL)) {
            LocalDate end = start.plusDays(REPORT_DAYS_PER_CALL - 1).isAfter(to) ? to : start.plusDays(REPORT_DAYS_PER_CALL - 1);
            JsonNode chunks = post(account, "searchStream", String.format(REPORT_QUERY, start, end), null);
            for (JsonNode chunk : chunks) {
                if (chunk.has("error")) {
                    JsonNode error = chunk.path("error");
                    throw new DspException.ReportFailed("Google Ads stopped the report stream of customer " + customerId(account)
                            + " for " + start + ".." + end + ": " + ResponseClassifier.enumValue(error.path("status").asText()) + " " + errorCodes(error));
                }
                for (JsonNode row : chunk.path("results")) {
                    Currency currency = Currency.getInstance(row.path("customer").path("currencyCode").asText());
                    JsonNode m = row.path("metrics");
                    rows.accept(new ReportRow(LocalDate.parse(row.path("segments").path("date").asText()), EntityLevel.LINE_ITEM,
                            row.path("adGroupAd").path("ad").path("id").asText(), m.path("impressions").asLong(),
                            m.path("clicks").asLong(), new BigDecimal(m.path("conversions").asText("0")), 0,
                            Money.ofMicros(m.path("costMicros").asText("0"), currency),
                            Money.ofDecimal(m.path("conversionsValue").asText("0"), currency)));
                }
            }
        }
    }

    // --- mapping -----------------------------------------------------------------------------------------------------

    private static DspEntity campaign(JsonNode row) {
        JsonNode c = row.path("campaign");
        JsonNode budget = row.path("campaignBudget");
        Currency currency = Currency.getInstance(row.path("customer").path("currencyCode").asText());
        boolean daily = "DAILY".equals(budget.path("period").asText());
        String micros = budget.path(daily ? "amountMicros" : "totalAmountMicros").asText("0");
        Map<String, Object> pacing = new LinkedHashMap<>();
        if (budget.has("deliveryMethod")) {
            pacing.put("deliveryMethod", budget.path("deliveryMethod").asText());
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("advertising_channel_type", c.path("advertisingChannelType").asText());
        return new DspEntity(EntityLevel.CAMPAIGN, c.path("id").asText(), null, c.path("name").asText(),
                status(c.path("status").asText()), c.path("status").asText(),
                micros.equals("0") ? null : Money.ofMicros(micros, currency), micros.equals("0") ? null : daily ? "daily" : "lifetime",
                date(c.path("startDate").asText(null)), date(c.path("endDate").asText(null)), pacing, List.of(), null, null,
                null, attributes);
    }

    private static DspEntity adGroup(JsonNode row) {
        JsonNode g = row.path("adGroup");
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("type", g.path("type").asText());
        if (g.has("cpmBidMicros")) {
            attributes.put("cpm_bid_micros", g.path("cpmBidMicros").asText());
        }
        return new DspEntity(EntityLevel.INSERTION_ORDER, g.path("id").asText(), row.path("campaign").path("id").asText(),
                g.path("name").asText(), status(g.path("status").asText()), g.path("status").asText(), null, null, null, null,
                Map.of(), List.of(), null, null, null, attributes);
    }

    private static DspEntity ad(JsonNode row) {
        JsonNode a = row.path("adGroupAd");
        return new DspEntity(EntityLevel.LINE_ITEM, a.path("ad").path("id").asText(), row.path("adGroup").path("id").asText(),
                a.path("ad").path("name").asText(), status(a.path("status").asText()), a.path("status").asText(), null, null,
                null, null, Map.of(), List.of(), null, null, null, Map.of("ad_type", a.path("ad").path("type").asText()));
    }

    private static DspEntity asset(JsonNode row) {
        JsonNode view = row.path("adGroupAdAssetView");
        JsonNode asset = row.path("asset");
        // customers/{customer}/adGroupAds/{ad_group_id}~{ad_id}
        String link = view.path("adGroupAd").asText();
        String adId = link.substring(link.lastIndexOf('~') + 1);
        boolean enabled = view.path("enabled").asBoolean(true);
        return new DspEntity(EntityLevel.CREATIVE, asset.path("id").asText(), adId, asset.path("name").asText(),
                enabled ? EntityStatus.ACTIVE : EntityStatus.REMOVED, enabled ? "ENABLED" : "DISABLED", null, null, null, null,
                Map.of(), List.of(), null, null, null,
                Map.of("asset_type", asset.path("type").asText(), "field_type", view.path("fieldType").asText()));
    }

    static EntityStatus status(String googleStatus) {
        return switch (googleStatus) {
            case "ENABLED" -> EntityStatus.ACTIVE;
            case "REMOVED" -> EntityStatus.REMOVED;
            default -> EntityStatus.PAUSED;
        };
    }

    private static LocalDate date(String text) {
        // far-future end dates ("2037-12-30") mean "no end date"
        return text == null || text.isEmpty() || text.startsWith("2037-12-30") ? null : LocalDate.parse(text);
    }

    // --- calls -------------------------------------------------------------------------------------------------------

    private JsonNode search(AccountRef account, String query, String pageToken) {
        return post(account, "search", query, pageToken);
    }

    private JsonNode post(AccountRef account, String method, String query, String pageToken) {
        String customer = customerId(account);
        URI uri = DspEndpoints.resolve(endpoints.googleAds(), "/" + VERSION + "/customers/" + DspEndpoints.segment(customer) + "/googleAds:" + method);
        ObjectNode body = JSON.createObjectNode().put("query", query);
        if (pageToken != null) {
            body.put("pageToken", pageToken);
        }
        String json = body.toString();
        String developerToken = account.credentials().require("developer_token");
        String login = account.credentials().get("login_customer_id").map(GoogleAdsConnector::digits).orElse(null);
        HttpResponse<String> response;
        try {
            response = http.sendAuthorized(account, oauth::login, token -> {
                HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + token.value())
                        .header("developer-token", developerToken)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json));
                if (login != null) {
                    b.header("login-customer-id", login);
                }
                return b.build();
            }, GoogleAdsConnector::classify);
        } catch (DspException.Rejected rejected) {
            if (rejected.status() == 401 || rejected.status() == 403) {
                throw new DspException.InvalidCredentials("Google Ads refused access to customer " + customer + ": "
                        + rejected.getMessage());
            }
            throw rejected;
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new DspException.Rejected(response.statusCode(), "Google Ads answered with malformed JSON");
        }
    }

    private static String customerId(AccountRef account) {
        return digits(account.externalAccountId());
    }

    private static String digits(String id) {
        return id.replace("-", "").trim();
    }

    /**
     * 429 RESOURCE_EXHAUSTED waits the GoogleAdsFailure's quotaErrorDetails.retryDelay (or Retry-After); a 401 is an
     * expired token unless it names the developer token; 5xx are transient; a 2xx that is not complete JSON (cut short)
     * is read again.
     */
    static Outcome classify(HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode body;
        try {
            body = response.body() == null || response.body().isEmpty() ? null : JSON.readTree(response.body());
        } catch (IOException e) {
            body = null;
        }
        if (status >= 200 && status < 300) {
            return body == null ? new Outcome.Unavailable("an incomplete answer (HTTP " + status + ")") : Outcome.OK;
        }
        JsonNode error = body == null ? JSON.createObjectNode() : body.path("error");
        String codes = errorCodes(error);
        if (status == 429) {
            Duration wait = retryDelay(error);
            return new Outcome.Throttled(wait != null ? wait : ResponseClassifier.retryAfter(response), "HTTP 429 " + codes);
        }
        if (status == 401) {
            return DEVELOPER_TOKEN_ERRORS.stream().anyMatch(codes::contains)
                    ? new Outcome.Rejected("the developer token was refused " + codes) : Outcome.EXPIRED_TOKEN;
        }
        if (status >= 500 || status == 408) {
            return new Outcome.Unavailable("HTTP " + status + " " + ResponseClassifier.enumValue(error.path("status").asText()));
        }
        return new Outcome.Rejected("HTTP " + status + " " + ResponseClassifier.enumValue(error.path("status").asText()) + " " + codes);
    }

    /** The GoogleAdsFailure error codes, e.g. {@code [quotaError=RESOURCE_EXHAUSTED]}. */
    private static String errorCodes(JsonNode error) {
        List<String> codes = new ArrayList<>();
        for (JsonNode detail : error.path("details")) {
            for (JsonNode e : detail.path("errors")) {
                e.path("errorCode").fields().forEachRemaining(f -> codes.add(ResponseClassifier.enumValue(f.getKey()) + "=" + ResponseClassifier.enumValue(f.getValue().asText())));
            }
        }
        return codes.toString();
    }

    /** quotaErrorDetails.retryDelay, a protobuf Duration in JSON ("2s", "1.5s"). */
    private static Duration retryDelay(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            for (JsonNode e : detail.path("errors")) {
                String delay = e.path("details").path("quotaErrorDetails").path("retryDelay").asText("");
                if (delay.endsWith("s")) {
                    try {
                        return Duration.ofMillis(Math.round(Double.parseDouble(delay.substring(0, delay.length() - 1)) * 1000));
                    } catch (NumberFormatException ignored) {
                        // fall back to Retry-After or the backoff
                    }
                }
            }
        }
        return null;
    }
}
