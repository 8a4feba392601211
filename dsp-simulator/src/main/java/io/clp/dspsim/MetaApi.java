package io.clp.dspsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Meta's Graph API (Marketing API), base URL {@code /meta} in place of {@code https://graph.facebook.com}; any
 * {@code /vNN.0} version segment is accepted.
 * <ul>
 *   <li>{@code GET /act_{id}}: name, account_id, currency, timezone_name.</li>
 *   <li>{@code GET /act_{id}/campaigns|adsets|ads|adcreatives}: {@code fields}, {@code limit}, {@code after}/{@code before}
 *   cursors, {@code filtering=[{"field":"updated_time","operator":"GREATER_THAN","value":<unix seconds>}]};
 *   answers {@code {data, paging:{cursors:{before,after}, next, previous}}} with absolute {@code next} URLs and no
 *   {@code next} on the last page. Deleted objects are left out, as Meta's parent edges do. On {@code ads},
 *   {@code fields=...,adcreatives{id,name,...}} expands the ad's creatives (Graph API field expansion).</li>
 *   <li>Insights, async: {@code POST /act_{id}/insights} -> {@code {report_run_id}}; {@code GET /{report_run_id}} ->
 *   async_status and async_percent_completion (Not Started, Running, Completed over three polls);
 *   {@code GET /{report_run_id}/insights} paged with cursors.</li>
 * </ul>
 * Money on objects is in the currency's minor unit with Meta's offsets (USD 100, JPY 1); insights money is a decimal
 * string in major units. Errors are Meta's {@code {error:{message,type,code,error_subcode,fbtrace_id}}}: a throttle is
 * HTTP 400 code 17 with {@code X-Business-Use-Case-Usage} (estimated_time_to_regain_access in minutes, rounded down)
 * and {@code X-Ad-Account-Usage} (reset_time_duration in seconds: the wait the fault asked for), an unknown or expired
 * token code 190 (subcode 463 when expired).
 */
final class MetaApi implements DspApi {

    static final String DSP = "meta";
    /** Currencies whose Meta offset is 1 (no minor unit in Meta's API); every other currency has 100. */
    static final Set<String> OFFSET_ONE = Set.of("CLP", "COP", "CRC", "HUF", "ISK", "IDR", "JPY", "KRW", "PYG", "TWD", "VND");
    private static final Pattern PATH = Pattern.compile("^/v\\d+\\.\\d+(/.*)$");
    private static final DateTimeFormatter META_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxx");
    private static final List<String> EDGES = List.of("campaigns", "adsets", "ads", "adcreatives");
    private static final int DEFAULT_LIMIT = 25;
    private static final int MAX_LIMIT = 5_000;

    private final Simulation simulation;
    private final Map<String, ReportRun> runs = new ConcurrentHashMap<>();
    private final AtomicLong runIds = new AtomicLong(6_000_000_000L);

    /** An async insights job: its rows are computed when read. */
    private record ReportRun(String id, SimAccount account, LocalDate since, LocalDate until, boolean fails,
                             AtomicLong polls) {
    }

    MetaApi(Simulation simulation) {
        this.simulation = simulation;
    }

    @Override
    public String prefix() {
        return "/meta";
    }

    @Override
    public void handle(SimExchange exchange) throws IOException {
        Matcher m = PATH.matcher(exchange.path());
        if (!m.matches()) {
            error(exchange, 400, "Unknown path components: " + exchange.path(), "OAuthException", 2500, null);
            return;
        }
        String[] parts = m.group(1).substring(1).split("/");
        String node = parts[0];
        String edge = parts.length > 1 ? parts[1] : null;
        SimAccount account;
        ReportRun run = null;
        if (node.startsWith("act_")) {
            account = simulation.catalog().account(DSP, node).orElse(null);
        } else {
            run = runs.get(node);
            account = run == null ? null : run.account();
        }
        if (account != null) {
            exchange.account(account.id());
        }
        // Graph API takes the token from the query, a POST body (where Meta's SDKs put it), or a bearer header
        String token = exchange.query("access_token").orElse(null);
        if (token == null && exchange.method().equals("POST")) {
            try {
                token = exchange.bodyParams().get("access_token");
            } catch (SimExchange.BadRequest e) {
                error(exchange, 400, "Invalid parameter: " + e.getMessage(), "OAuthException", 100, null);
                return;
            }
        }
        if (token == null) {
            token = exchange.bearer().orElse(null);
        }
        if (token == null || !token.equals(Catalog.META_TOKEN)) {
            error(exchange, 400, "Invalid OAuth access token - Cannot parse access token", "OAuthException", 190, null);
            return;
        }
        if (account == null) {
            error(exchange, 400, "Unsupported get request. Object with ID '" + node + "' does not exist, cannot be loaded due "
                    + "to missing permissions, or does not support this operation.", "GraphMethodException", 100, 33);
            return;
        }
        if (fault(exchange, account)) {
            return;
        }
        try {
            if (run != null) {
                if (edge == null && exchange.method().equals("GET")) {
                    status(exchange, run);
                } else if ("insights".equals(edge) && exchange.method().equals("GET")) {
                    insightRows(exchange, run);
                }
            } else if (edge == null && exchange.method().equals("GET")) {
                accountNode(exchange, account);
            } else if ("insights".equals(edge) && exchange.method().equals("POST")) {
                startInsights(exchange, account);
            } else if (edge != null && EDGES.contains(edge) && exchange.method().equals("GET")) {
                listEdge(exchange, account, EDGES.indexOf(edge), edge);
            } else {
                error(exchange, 400, "Unknown path components: /" + edge, "OAuthException", 2500, null);
            }
        } catch (SimExchange.BadRequest | IllegalArgumentException e) {
            error(exchange, 400, "Invalid parameter: " + e.getMessage(), "OAuthException", 100, null);
        }
    }

    // --- faults ------------------------------------------------------------------------------------------------------

    /** Plays an armed fault in Meta's shape; true when the call was answered by it. */
    private boolean fault(SimExchange exchange, SimAccount account) throws IOException {
        var armed = simulation.faults().takeOnCall(DSP, account.id(), false);
        if (armed.isEmpty()) {
            return false;
        }
        Fault fault = armed.get();
        switch (fault.type()) {
            case THROTTLE -> {
                int seconds = fault.retryAfterSeconds();
                String accountNumber = account.id().substring("act_".length());
                String buc = SimExchange.JSON.writeValueAsString(Map.of(accountNumber, List.of(Map.of(
                        "type", "ads_management", "call_count", 100, "total_cputime", 25, "total_time", 25,
                        "estimated_time_to_regain_access", seconds / 60))));
                String accountUsage = SimExchange.JSON.writeValueAsString(Map.of("acc_id_util_pct", 100,
                        "reset_time_duration", seconds, "ads_api_access_tier", "standard_access"));
                exchange.json(400, errorBody("(#17) User request limit reached", "OAuthException", 17, 2446079),
                        Map.of("X-Business-Use-Case-Usage", buc, "X-Ad-Account-Usage", accountUsage));
            }
            case SERVER_ERROR -> exchange.json(500, errorBody("An unknown error occurred", "OAuthException", 1, 99));
            case TIMEOUT -> {
                fault.hang();
                exchange.json(504, errorBody("Gateway timeout", "OAuthException", 2, null));
            }
            case EXPIRED_TOKEN -> error(exchange, 400, "Error validating access token: Session has expired.",
                    "OAuthException", 190, 463);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static ObjectNode errorBody(String message, String type, int code, Integer subcode) {
        ObjectNode body = SimExchange.JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", message).put("type", type).put("code", code);
        if (subcode != null) {
            error.put("error_subcode", subcode);
        }
        error.put("fbtrace_id", "A" + HexFormat.of().toHexDigits(System.nanoTime()).toUpperCase());
        return body;
    }

    private static void error(SimExchange exchange, int status, String message, String type, int code, Integer subcode) throws IOException {
        exchange.json(status, errorBody(message, type, code, subcode));
    }

    // --- objects -----------------------------------------------------------------------------------------------------

    private void accountNode(SimExchange exchange, SimAccount account) throws IOException {
        ObjectNode full = SimExchange.JSON.createObjectNode();
        full.put("id", account.id());
        full.put("account_id", account.id().substring("act_".length()));
        full.put("name", account.name());
        full.put("currency", account.currency());
        full.put("timezone_name", account.timeZone().getId());
        full.put("account_status", 1);
        exchange.json(200, select(full, fields(exchange.query("fields").orElse("id,account_id"))));
    }

    private void listEdge(SimExchange exchange, SimAccount account, int level, String edge) throws IOException {
        int limit = Math.min(MAX_LIMIT, Math.max(1, Integer.parseInt(exchange.query("limit").orElse(String.valueOf(DEFAULT_LIMIT)))));
        Map<String, String> fields = fields(exchange.query("fields").orElse("id"));
        Long updatedAfter = updatedFilter(exchange.query("filtering").orElse(null));
        long after = exchange.query("after").map(MetaApi::cursorIndex).orElse(-1L);
        long before = exchange.query("before").map(MetaApi::cursorIndex).orElse(-1L);
        List<SimEntity> page = new ArrayList<>();
        boolean more = false;
        long count = account.count(level);
        if (before >= 0) {
            for (long i = before - 1; i >= 0; i--) {
                SimEntity e = account.entity(level, i);
                if (visible(e, updatedAfter)) {
                    if (page.size() == limit) {
                        more = true;
                        break;
                    }
                    page.addFirst(e);
                }
            }
        } else {
            for (long i = after + 1; i < count; i++) {
                SimEntity e = account.entity(level, i);
                if (visible(e, updatedAfter)) {
                    if (page.size() == limit) {
                        more = true;
                        break;
                    }
                    page.add(e);
                }
            }
        }
        ObjectNode body = SimExchange.JSON.createObjectNode();
        ArrayNode data = body.putArray("data");
        for (SimEntity e : page) {
            data.add(select(render(account, e, fields), fields));
        }
        if (!page.isEmpty()) {
            boolean hasNext = before >= 0 || more;
            boolean hasPrevious = before >= 0 ? more : after >= 0;
            String first = cursor(page.getFirst().index());
            String last = cursor(page.getLast().index());
            ObjectNode paging = body.putObject("paging");
            paging.putObject("cursors").put("before", first).put("after", last);
            String base = exchange.baseUrl(prefix()) + exchange.path();
            if (hasNext) {
                paging.put("next", pageUrl(base, exchange.queryParams(), "after", last));
            }
            if (hasPrevious) {
                paging.put("previous", pageUrl(base, exchange.queryParams(), "before", first));
            }
        }
        if (simulation.faults().take(DSP, account.id(), Fault.Type.TRUNCATED_PAGE).isPresent()) {
            exchange.truncated(200, body);
        } else {
            exchange.json(200, body);
        }
    }

    private static boolean visible(SimEntity e, Long updatedAfter) {
        return !e.removed() && (updatedAfter == null || e.updatedAt().getEpochSecond() > updatedAfter);
    }

    /** An entity in Meta's shape, every field it has (the caller selects the requested ones). */
    private ObjectNode render(SimAccount account, SimEntity e, Map<String, String> fields) {
        ZoneId zone = account.timeZone();
        ObjectNode o = SimExchange.JSON.createObjectNode();
        o.put("id", e.id());
        o.put("name", e.name());
        o.put("account_id", account.id().substring("act_".length()));
        String status = switch (e.status()) {
            case "ACTIVE" -> "ACTIVE";
            case "ARCHIVED" -> "ARCHIVED";
            case "REMOVED" -> "DELETED";
            default -> "PAUSED"; // Meta has no draft state through the API
        };
        o.put("status", status);
        o.put("configured_status", status);
        o.put("effective_status", status);
        o.put("updated_time", META_TIME.format(e.updatedAt().atZone(zone)));
        o.put("created_time", META_TIME.format(Instant.parse("2026-01-01T00:00:00Z").atZone(zone)));
        switch (e.level()) {
            case SimEntity.CAMPAIGN -> {
                o.put("objective", "OUTCOME_AWARENESS");
                budget(account, e, o);
                o.put("start_time", META_TIME.format(e.startDate().atStartOfDay(zone)));
                o.put("stop_time", META_TIME.format(e.endDate().atTime(23, 59, 59).atZone(zone)));
                o.put("bid_strategy", "LOWEST_COST_WITHOUT_CAP");
            }
            case SimEntity.INSERTION_ORDER -> {
                o.put("campaign_id", e.parentId());
                budget(account, e, o);
                o.put("start_time", META_TIME.format(e.startDate().atStartOfDay(zone)));
                o.put("end_time", META_TIME.format(e.endDate().atTime(23, 59, 59).atZone(zone)));
                o.put("optimization_goal", "REACH");
                o.put("billing_event", "IMPRESSIONS");
                o.put("pacing_type", SimExchange.JSON.createArrayNode().add("EVEN".equals(e.pacingType()) ? "standard" : "no_pacing"));
            }
            case SimEntity.LINE_ITEM -> {
                o.put("adset_id", e.parentId());
                o.put("campaign_id", e.campaignId());
                SimEntity firstCreative = account.children(SimEntity.CREATIVE, e.index()).getFirst();
                o.putObject("creative").put("id", firstCreative.id());
                if (fields.containsKey("adcreatives")) {
                    Map<String, String> sub = fields(fields.get("adcreatives").isEmpty() ? "id" : fields.get("adcreatives"));
                    ArrayNode list = o.putObject("adcreatives").putArray("data");
                    for (SimEntity c : account.children(SimEntity.CREATIVE, e.index())) {
                        if (!c.removed()) {
                            list.add(select(render(account, c, Map.of()), sub));
                        }
                    }
                }
            }
            default -> {
                o.put("object_type", "SHARE");
                o.put("title", e.name());
                o.put("thumbnail_url", "https://scontent.example/creative/" + e.id() + ".jpg");
            }
        }
        return o;
    }

    private static void budget(SimAccount account, SimEntity e, ObjectNode o) {
        int offset = OFFSET_ONE.contains(account.currency()) ? 1 : 100;
        String minor = e.budget().multiply(BigDecimal.valueOf(offset)).setScale(0, RoundingMode.DOWN).toPlainString();
        o.put("daily".equals(e.budgetType()) ? "daily_budget" : "lifetime_budget", minor);
    }

    // --- insights ----------------------------------------------------------------------------------------------------

    private void startInsights(SimExchange exchange, SimAccount account) throws IOException {
        Map<String, String> params = new LinkedHashMap<>(exchange.queryParams());
        exchange.bodyParams().forEach(params::putIfAbsent);
        String level = params.getOrDefault("level", "account");
        if (!level.equals("ad")) {
            throw new SimExchange.BadRequest("the simulator reports at level=ad only");
        }
        if (!"1".equals(params.get("time_increment"))) {
            throw new SimExchange.BadRequest("the simulator reports with time_increment=1 only");
        }
        JsonNode range = SimExchange.JSON.readTree(params.getOrDefault("time_range", "{}"));
        LocalDate since = LocalDate.parse(range.path("since").asText());
        LocalDate until = LocalDate.parse(range.path("until").asText());
        if (until.isBefore(since)) {
            throw new SimExchange.BadRequest("time_range: until is before since");
        }
        boolean fails = simulation.faults().take(DSP, account.id(), Fault.Type.FAILED_REPORT).isPresent();
        String id = String.valueOf(runIds.incrementAndGet());
        runs.put(id, new ReportRun(id, account, since, until, fails, new AtomicLong()));
        exchange.json(200, Map.of("report_run_id", id));
    }

    private void status(SimExchange exchange, ReportRun run) throws IOException {
        long poll = run.polls().incrementAndGet();
        String status;
        int percent;
        if (poll <= 1) {
            status = "Job Not Started";
            percent = 0;
        } else if (poll == 2) {
            status = "Job Running";
            percent = 50;
        } else {
            status = run.fails() ? "Job Failed" : "Job Completed";
            percent = run.fails() ? 50 : 100;
        }
        ObjectNode body = SimExchange.JSON.createObjectNode();
        body.put("id", run.id()).put("account_id", run.account().id().substring("act_".length()))
                .put("async_status", status).put("async_percent_completion", percent)
                .put("date_start", run.since().toString()).put("date_stop", run.until().toString());
        exchange.json(200, body);
    }

    private void insightRows(SimExchange exchange, ReportRun run) throws IOException {
        if (run.polls().get() < 3 || run.fails()) {
            error(exchange, 400, "Report is not ready (async_status is not Job Completed)", "OAuthException", 100, 1487534);
            return;
        }
        SimAccount account = run.account();
        int limit = Math.min(MAX_LIMIT, Math.max(1, Integer.parseInt(exchange.query("limit").orElse(String.valueOf(DEFAULT_LIMIT)))));
        long days = run.until().toEpochDay() - run.since().toEpochDay() + 1;
        long ads = account.count(SimEntity.LINE_ITEM);
        long total = ads * days;
        long position = exchange.query("after").map(MetaApi::cursorIndex).orElse(-1L) + 1;
        ObjectNode body = SimExchange.JSON.createObjectNode();
        ArrayNode data = body.putArray("data");
        long last = -1;
        long first = -1;
        int offset = OFFSET_ONE.contains(account.currency()) ? 1 : 100;
        for (long p = position; p < total && data.size() < limit; p++) {
            long adIndex = p / days;
            LocalDate date = run.since().plusDays(p % days);
            SimEntity ad = account.entity(SimEntity.LINE_ITEM, adIndex);
            if (ad.removed()) {
                continue;
            }
            if (first < 0) {
                first = p;
            }
            last = p;
            SimAccount.Delivery d = account.delivery(SimEntity.LINE_ITEM, adIndex, date);
            ObjectNode row = data.addObject();
            row.put("account_id", account.id().substring("act_".length()));
            row.put("campaign_id", ad.campaignId());
            row.put("adset_id", ad.parentId());
            row.put("ad_id", ad.id());
            row.put("impressions", String.valueOf(d.impressions()));
            row.put("clicks", String.valueOf(d.clicks()));
            row.put("spend", offset == 1 ? d.spend().setScale(0, RoundingMode.HALF_UP).toPlainString() : d.spend().toPlainString());
            row.putArray("actions").addObject().put("action_type", "purchase").put("value", String.valueOf(d.conversions()));
            row.putArray("action_values").addObject().put("action_type", "purchase").put("value",
                    offset == 1 ? d.revenue().setScale(0, RoundingMode.HALF_UP).toPlainString() : d.revenue().toPlainString());
            row.putArray("video_play_actions").addObject().put("action_type", "video_view").put("value", String.valueOf(d.views()));
            row.put("account_currency", account.currency());
            row.put("date_start", date.toString());
            row.put("date_stop", date.toString());
        }
        if (first >= 0) {
            ObjectNode paging = body.putObject("paging");
            paging.putObject("cursors").put("before", cursor(first)).put("after", cursor(last));
            if (last + 1 < total) {
                paging.put("next", pageUrl(exchange.baseUrl(prefix()) + exchange.path(), exchange.queryParams(), "after", cursor(last)));
            }
        }
        exchange.json(200, body);
    }

    // --- helpers -----------------------------------------------------------------------------------------------------

    /** Top-level fields of a Graph API {@code fields} parameter; an expanded edge {@code name{a,b}} maps to {@code a,b}. */
    static Map<String, String> fields(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        int depth = 0;
        StringBuilder current = new StringBuilder();
        for (char c : (spec + ",").toCharArray()) {
            if (c == ',' && depth == 0) {
                String f = current.toString().trim();
                if (!f.isEmpty()) {
                    int brace = f.indexOf('{');
                    String name = brace < 0 ? f : f.substring(0, brace);
                    int dot = name.indexOf('.');
                    name = dot < 0 ? name : name.substring(0, dot); // modifiers such as .limit(10)
                    out.put(name, brace < 0 ? "" : f.substring(brace + 1, f.length() - 1));
                }
                current.setLength(0);
                continue;
            }
            if (c == '{') depth++;
            if (c == '}') depth--;
            current.append(c);
        }
        return out;
    }

    private static ObjectNode select(ObjectNode full, Map<String, String> fields) {
        ObjectNode out = SimExchange.JSON.createObjectNode();
        for (String f : fields.keySet()) {
            if (full.has(f)) {
                out.set(f, full.get(f));
            }
        }
        out.set("id", full.get("id"));
        return out;
    }

    /** The unix time of an {@code updated_time} GREATER_THAN filter, null without one; other filters are refused. */
    private static Long updatedFilter(String filtering) throws IOException {
        if (filtering == null || filtering.isBlank()) {
            return null;
        }
        JsonNode list;
        try {
            list = SimExchange.JSON.readTree(filtering);
        } catch (IOException e) {
            throw new SimExchange.BadRequest("filtering must be a JSON array");
        }
        Long after = null;
        for (JsonNode f : list) {
            String field = f.path("field").asText();
            String op = f.path("operator").asText();
            if (!field.equals("updated_time") || !(op.equals("GREATER_THAN") || op.equals("GREATER_THAN_OR_EQUAL"))) {
                throw new SimExchange.BadRequest("filtering on " + field + " " + op + " is not simulated");
            }
            long value = f.path("value").asLong();
            after = op.equals("GREATER_THAN") ? value : value - 1;
        }
        return after;
    }

    private static String cursor(long index) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("sim:" + index).getBytes(StandardCharsets.UTF_8));
    }

    private static long cursorIndex(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!raw.startsWith("sim:")) {
                throw new IllegalArgumentException("malformed cursor");
            }
            return Long.parseLong(raw.substring(4));
        } catch (IllegalArgumentException e) {
            throw new SimExchange.BadRequest("malformed or expired cursor");
        }
    }

    private static String pageUrl(String base, Map<String, String> params, String name, String cursor) {
        Map<String, String> q = new LinkedHashMap<>(params);
        q.remove("after");
        q.remove("before");
        q.put(name, cursor);
        StringBuilder url = new StringBuilder(base);
        char sep = '?';
        for (var e : q.entrySet()) {
            url.append(sep).append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return url.toString();
    }
}
