package io.clp.dsp.meta;

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
import io.clp.dsp.http.ResponseClassifier;
import io.clp.dsp.http.AccessToken;
import io.clp.dsp.http.DspHttp;
import io.clp.dsp.http.Outcome;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.MaxRetriesExceededException;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Meta Marketing API (Graph API v21.0). Mapping: campaign > ad set (insertion order) > ad (line item) > ad creative
 * (creative, its parent the ad that uses it, read through the ads edge with {@code adcreatives{...}} field expansion
 * because an ad creative names no ad). Paging follows {@code paging.next}'s presence and keeps the {@code after}
 * cursor as the page token: the absolute {@code next} URL can carry the access token, which must not land in a
 * checkpoint. Long-lived token, no refresh: a code 190 is re-tried once with the same token (DspHttp's one renewal;
 * it helps only when the 190 was transient) and is {@link DspException.InvalidCredentials} after that.
 */
public final class MetaConnector implements DspConnector {

    static final String VERSION = "v21.0";
    /** Currencies whose amounts Meta sends without a minor unit (offset 1); every other currency has offset 100. */
    static final Set<String> OFFSET_ONE = Set.of("CLP", "COP", "CRC", "HUF", "ISK", "IDR", "JPY", "KRW", "PYG", "TWD", "VND");
    static final Set<Integer> THROTTLE_CODES = Set.of(4, 17, 32, 613);
    private static final int PAGE_SIZE = 500;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter META_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx");

    private static final String CAMPAIGN_FIELDS = "id,name,status,effective_status,objective,daily_budget,lifetime_budget,"
            + "bid_strategy,start_time,stop_time,updated_time";
    private static final String ADSET_FIELDS = "id,name,campaign_id,status,effective_status,daily_budget,lifetime_budget,"
            + "start_time,end_time,optimization_goal,billing_event,pacing_type,updated_time";
    private static final String AD_FIELDS = "id,name,adset_id,campaign_id,status,effective_status,creative,updated_time";
    private static final String CREATIVE_FIELDS = "id,adcreatives{id,name,status,object_type,title,thumbnail_url}";
    private static final String INSIGHT_FIELDS = "account_id,campaign_id,adset_id,ad_id,impressions,clicks,spend,actions,"
            + "action_values,video_play_actions,account_currency,date_start,date_stop";

    private final DspHttp http;
    private final DspEndpoints endpoints;
    /** An ad account's currency and time zone never change: read once per account. */
    private final Map<String, AccountInfo> accounts = new ConcurrentHashMap<>();

    public MetaConnector(DspHttp http, DspEndpoints endpoints) {
        this.http = http;
        this.endpoints = endpoints;
    }

    @Override
    public Dsp dsp() {
        return Dsp.META;
    }

    @Override
    public Set<String> credentialNames() {
        return Set.of("access_token");
    }

    /**
     * Crosses: {@code access_token}, which is the account's own token: Meta issues long-lived user and system-user
     * tokens and has no grant that derives a shorter one without the app secret, which CLP does not hold. The
     * delegation is bounded on CLP's side instead: it is valid for {@link DelegatedAccess#NON_EXPIRING_TOKEN_LIFETIME}
     * and then refused by the connector before any call, so the receiver must ask again.
     */
    @Override
    public DelegatedAccess delegate(AccountRef account) {
        String token = account.credentials().require("access_token");
        if (account.credentials().delegated()) {
            throw new DspException.InvalidCredentials("delegated access to Meta account " + account.externalAccountId()
                    + " cannot be delegated again");
        }
        return DelegatedAccess.of(new AccessToken(token, null), Instant.now().plus(DelegatedAccess.NON_EXPIRING_TOKEN_LIFETIME),
                Map.of());
    }

    @Override
    public AccountInfo connect(AccountRef account) {
        JsonNode node = get(account, "/" + DspEndpoints.segment(actId(account)), Map.of("fields", "id,account_id,name,currency,timezone_name"));
        AccountInfo info = new AccountInfo(actId(account), node.path("name").asText(),
                ZoneId.of(node.path("timezone_name").asText("UTC")), Currency.getInstance(node.path("currency").asText()), null);
        accounts.put(account.key(), info);
        return info;
    }

    @Override
    public HierarchyPage list(AccountRef account, ListRequest request) {
        AccountInfo info = info(account);
        String edge = switch (request.level()) {
            case CAMPAIGN -> "campaigns";
            case INSERTION_ORDER -> "adsets";
            case LINE_ITEM, CREATIVE -> "ads";
        };
        Map<String, String> params = new LinkedHashMap<>();
        params.put("fields", switch (request.level()) {
            case CAMPAIGN -> CAMPAIGN_FIELDS;
            case INSERTION_ORDER -> ADSET_FIELDS;
            case LINE_ITEM -> AD_FIELDS;
            case CREATIVE -> CREATIVE_FIELDS;
        });
        params.put("limit", String.valueOf(PAGE_SIZE));
        // ad creatives have no updated_time: the creative level is always listed in full
        if (request.updatedSince() != null && request.level() != EntityLevel.CREATIVE) {
            params.put("filtering", "[{\"field\":\"updated_time\",\"operator\":\"GREATER_THAN\",\"value\":"
                    + (request.updatedSince().getEpochSecond() - 1) + "}]");
        }
        if (request.pageToken() != null) {
            params.put("after", request.pageToken());
        }
        JsonNode body = get(account, "/" + DspEndpoints.segment(actId(account)) + "/" + edge, params);
        List<DspEntity> entities = new ArrayList<>();
        for (JsonNode node : body.path("data")) {
            if (request.level() == EntityLevel.CREATIVE) {
                for (JsonNode creative : node.path("adcreatives").path("data")) {
                    entities.add(creative(creative, node.path("id").asText()));
                }
            } else {
                entities.add(entity(request.level(), node, info));
            }
        }
        JsonNode paging = body.path("paging");
        String next = paging.hasNonNull("next") ? paging.path("cursors").path("after").asText(null) : null;
        return new HierarchyPage(entities, next);
    }

    @Override
    public void dailyReport(AccountRef account, LocalDate from, LocalDate to, Consumer<ReportRow> rows) {
        AccountInfo info = info(account);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("level", "ad");
        form.put("time_range", "{\"since\":\"" + from + "\",\"until\":\"" + to + "\"}");
        form.put("time_increment", "1");
        form.put("fields", INSIGHT_FIELDS);
        String runId = post(account, "/" + DspEndpoints.segment(actId(account)) + "/insights", form).path("report_run_id").asText(null);
        if (runId == null) {
            throw new DspException.Rejected(200, "Meta answered the insights request without a report_run_id");
        }
        JsonNode status = awaitRun(account, runId);
        String state = status.path("async_status").asText();
        if (!state.equals("Job Completed")) {
            throw new DspException.ReportFailed("Meta insights job " + runId + " of " + actId(account) + " ended as '"
                    + state + "' at " + status.path("async_percent_completion").asInt() + "%");
        }
        String after = null;
        do {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("limit", String.valueOf(PAGE_SIZE));
            if (after != null) {
                params.put("after", after);
            }
            JsonNode page = get(account, "/" + DspEndpoints.segment(runId) + "/insights", params);
            for (JsonNode row : page.path("data")) {
                rows.accept(reportRow(row, info.currency()));
            }
            JsonNode paging = page.path("paging");
            after = paging.hasNonNull("next") ? paging.path("cursors").path("after").asText(null) : null;
        } while (after != null);
    }

    /** Polls the AdReportRun until it completes, fails or is skipped, backing off between polls. */
    private JsonNode awaitRun(AccountRef account, String runId) {
        Set<String> terminal = Set.of("Job Completed", "Job Failed", "Job Skipped");
        Retry polling = Retry.of("meta-insights-" + runId, RetryConfig.<JsonNode>custom()
                .maxAttempts(60)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(account.rateLimit().initialBackoff(), 1.5,
                        account.rateLimit().maxBackoff()))
                .retryOnResult(node -> !terminal.contains(node.path("async_status").asText()))
                .retryOnException(e -> false)
                .failAfterMaxAttempts(true)
                .build());
        try {
            return polling.executeSupplier(() -> get(account, "/" + DspEndpoints.segment(runId),
                    Map.of("fields", "id,async_status,async_percent_completion")));
        } catch (MaxRetriesExceededException e) {
            throw new DspException.ReportFailed("Meta insights job " + runId + " did not complete in time");
        }
    }

    // --- mapping -----------------------------------------------------------------------------------------------------

    private DspEntity entity(EntityLevel level, JsonNode n, AccountInfo info) {
        String parent = switch (level) {
            case INSERTION_ORDER -> n.path("campaign_id").asText(null);
            case LINE_ITEM -> n.path("adset_id").asText(null);
            default -> null;
        };
        Money budget = null;
        String budgetType = null;
        if (n.hasNonNull("daily_budget") && !n.path("daily_budget").asText().equals("0")) {
            budget = money(n.path("daily_budget").asText(), info.currency());
            budgetType = "daily";
        } else if (n.hasNonNull("lifetime_budget") && !n.path("lifetime_budget").asText().equals("0")) {
            budget = money(n.path("lifetime_budget").asText(), info.currency());
            budgetType = "lifetime";
        }
        LocalDate start = date(n.path("start_time").asText(null), info.timeZone());
        LocalDate end = date(n.path(level == EntityLevel.CAMPAIGN ? "stop_time" : "end_time").asText(null), info.timeZone());
        Map<String, Object> pacing = new LinkedHashMap<>();
        if (n.has("pacing_type")) {
            List<String> types = new ArrayList<>();
            n.path("pacing_type").forEach(t -> types.add(t.asText()));
            pacing.put("type", String.join(",", types));
        }
        if (n.hasNonNull("bid_strategy")) {
            pacing.put("bidStrategy", n.path("bid_strategy").asText());
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (String f : List.of("effective_status", "objective", "optimization_goal", "billing_event", "campaign_id")) {
            if (n.hasNonNull(f) && !(f.equals("campaign_id") && level == EntityLevel.INSERTION_ORDER)) {
                attributes.put(f, n.path(f).asText());
            }
        }
        if (n.path("creative").hasNonNull("id")) {
            attributes.put("creative_id", n.path("creative").path("id").asText());
        }
        String nativeStatus = n.path("status").asText(null);
        return new DspEntity(level, n.path("id").asText(), parent, n.path("name").asText(), status(nativeStatus),
                nativeStatus, budget, budgetType, start, end, pacing, List.of(), null, null,
                instant(n.path("updated_time").asText(null)), attributes);
    }

    private static DspEntity creative(JsonNode n, String adId) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (String f : List.of("object_type", "title", "thumbnail_url")) {
            if (n.hasNonNull(f)) {
                attributes.put(f, n.path(f).asText());
            }
        }
        String nativeStatus = n.path("status").asText(null);
        return new DspEntity(EntityLevel.CREATIVE, n.path("id").asText(), adId, n.path("name").asText(),
                status(nativeStatus), nativeStatus, null, null, null, null, Map.of(), List.of(), null, null, null, attributes);
    }

    private static ReportRow reportRow(JsonNode row, Currency currency) {
        return new ReportRow(LocalDate.parse(row.path("date_start").asText()), EntityLevel.LINE_ITEM,
                row.path("ad_id").asText(), row.path("impressions").asLong(), row.path("clicks").asLong(),
                new BigDecimal(action(row.path("actions"), "purchase")), Long.parseLong(action(row.path("video_play_actions"), "video_view")),
                Money.ofDecimal(row.path("spend").asText("0"), currency),
                Money.ofDecimal(action(row.path("action_values"), "purchase"), currency));
    }

    private static String action(JsonNode stats, String type) {
        for (JsonNode s : stats) {
            if (type.equals(s.path("action_type").asText())) {
                return s.path("value").asText("0");
            }
        }
        return "0";
    }

    static Money money(String minorUnits, Currency currency) {
        return Money.ofMinorUnits(minorUnits, OFFSET_ONE.contains(currency.getCurrencyCode()) ? 1 : 100, currency);
    }

    static EntityStatus status(String metaStatus) {
        if (metaStatus == null) {
            return EntityStatus.ACTIVE;
        }
        return switch (metaStatus) {
            case "ACTIVE" -> EntityStatus.ACTIVE;
            case "ARCHIVED" -> EntityStatus.ARCHIVED;
            case "DELETED" -> EntityStatus.REMOVED;
            default -> EntityStatus.PAUSED;
        };
    }

    private static LocalDate date(String metaTime, ZoneId zone) {
        return metaTime == null ? null : OffsetDateTime.parse(metaTime, META_TIME).atZoneSameInstant(zone).toLocalDate();
    }

    private static Instant instant(String metaTime) {
        return metaTime == null ? null : OffsetDateTime.parse(metaTime, META_TIME).toInstant();
    }

    // --- calls -------------------------------------------------------------------------------------------------------

    private AccountInfo info(AccountRef account) {
        AccountInfo cached = accounts.get(account.key());
        return cached != null ? cached : connect(account);
    }

    private static String actId(AccountRef account) {
        String id = account.externalAccountId().trim();
        return id.startsWith("act_") ? id : "act_" + id;
    }

    private JsonNode get(AccountRef account, String path, Map<String, String> params) {
        URI uri = DspEndpoints.resolve(endpoints.meta(), "/" + VERSION + path + query(params));
        return call(account, token -> HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token.value())
                .header("Accept", "application/json").GET().build());
    }

    private JsonNode post(AccountRef account, String path, Map<String, String> form) {
        URI uri = DspEndpoints.resolve(endpoints.meta(), "/" + VERSION + path);
        String body = query(form).substring(1);
        return call(account, token -> HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token.value())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private JsonNode call(AccountRef account, java.util.function.Function<AccessToken, HttpRequest> request) {
        HttpResponse<String> response = http.sendAuthorized(account,
                a -> new AccessToken(a.credentials().require("access_token"), null), request, MetaConnector::classify);
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new DspException.Rejected(response.statusCode(), "Meta answered with malformed JSON");
        }
    }

    private static String query(Map<String, String> params) {
        if (params.isEmpty()) {
            return "";
        }
        return "?" + params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /**
     * Meta's answer by its error code, not its HTTP status (a throttle is an HTTP 400): 4, 17, 32, 613 and the business
     * use case codes 80000-80014 throttle, with the wait from the usage headers; 190 is an expired or invalid token;
     * 1 and 2 are transient; a 2xx body that is not complete JSON (a page cut short) is retried.
     */
    static Outcome classify(HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode body;
        try {
            body = response.body() == null || response.body().isEmpty() ? null : JSON.readTree(response.body());
        } catch (IOException e) {
            body = null;
        }
        JsonNode error = body == null ? null : body.get("error");
        if (status >= 200 && status < 300 && error == null) {
            return body == null ? new Outcome.Unavailable("an incomplete answer (HTTP " + status + ")") : Outcome.OK;
        }
        if (error == null || !error.has("code")) {
            return status >= 500 || status == 408 ? new Outcome.Unavailable("HTTP " + status) : new Outcome.Rejected("HTTP " + status);
        }
        int code = error.path("code").asInt();
        String reason = "Meta error code " + code + (error.has("error_subcode") ? "/" + error.path("error_subcode").asInt() : "");
        if (THROTTLE_CODES.contains(code) || code >= 80000 && code <= 80014) {
            return new Outcome.Throttled(waitOf(response), reason);
        }
        if (code == 190) {
            return Outcome.EXPIRED_TOKEN;
        }
        if (code == 1 || code == 2 || status >= 500) {
            return new Outcome.Unavailable(reason);
        }
        // Meta's error.message is left out: it can echo request parameters, cursors or token fragments
        return new Outcome.Rejected(reason + (error.has("type") ? " (" + ResponseClassifier.enumValue(error.path("type").asText()) + ")" : ""));
    }

    /**
     * The wait Meta asks for: the longest of X-Business-Use-Case-Usage's estimated_time_to_regain_access (minutes) and
     * X-Ad-Account-Usage's reset_time_duration (seconds); null when neither names one.
     */
    static Duration waitOf(HttpResponse<String> response) {
        long seconds = 0;
        try {
            String buc = response.headers().firstValue("X-Business-Use-Case-Usage").orElse(null);
            if (buc != null) {
                for (JsonNode entries : JSON.readTree(buc)) {
                    for (JsonNode entry : entries) {
                        seconds = Math.max(seconds, entry.path("estimated_time_to_regain_access").asLong() * 60);
                    }
                }
            }
            String usage = response.headers().firstValue("X-Ad-Account-Usage").orElse(null);
            if (usage != null) {
                seconds = Math.max(seconds, JSON.readTree(usage).path("reset_time_duration").asLong());
            }
        } catch (IOException e) {
            // an unreadable header leaves the wait to the backoff
        }
        return seconds > 0 ? Duration.ofSeconds(seconds) : null;
    }
}
