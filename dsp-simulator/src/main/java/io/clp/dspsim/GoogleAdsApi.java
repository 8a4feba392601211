package io.clp.dspsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google Ads API REST, base URL {@code /google-ads} in place of {@code https://googleads.googleapis.com}; any
 * {@code /vNN} version segment is accepted (the connector uses v21).
 * <ul>
 *   <li>{@code POST /vNN/customers/{customerId}/googleAds:search} {@code {query, pageToken}} ->
 *   {@code {results[], nextPageToken, fieldMask}}, pages of 10,000 rows (system property
 *   {@code clp.dspsim.google-ads.page-size} makes them smaller for tests).</li>
 *   <li>{@code POST .../googleAds:searchStream} {@code {query}} -> a JSON array of chunks {@code {results[], fieldMask,
 *   requestId}}; an error mid-stream is an array element {@code {error}}.</li>
 * </ul>
 * A GAQL subset: {@code SELECT f, ... FROM resource [WHERE cond AND ...] [ORDER BY ...] [LIMIT n]} with conditions
 * {@code field = | != | > | >= | < | <= value}, {@code field IN (...)} and {@code segments.date BETWEEN 'a' AND 'b'};
 * resources customer, campaign (with campaign_budget), ad_group, ad_group_ad and ad_group_ad_asset_view (with asset),
 * metrics impressions, clicks, cost_micros, conversions, conversions_value by segments.date. Anything else is a 400
 * in Google Ads' shape ({@code error.details[].errors[].errorCode.queryError}). Headers: {@code Authorization: Bearer}
 * with a Google token, {@code developer-token} = {@link Catalog#DEVELOPER_TOKEN}, optional {@code login-customer-id}.
 * Rows are REST JSON: camelCase nested objects, int64 as strings.
 */
final class GoogleAdsApi implements DspApi {

    static final String DSP = "google_ads";
    private static final int CHANGE_STATUS = -2;
    private static final Pattern PATH = Pattern.compile("^/(v\\d+)/customers/(\\d+)/googleAds:(search|searchStream)$");
    private static final Pattern QUERY = Pattern.compile(
            "(?is)^\\s*SELECT\\s+(.+?)\\s+FROM\\s+([a-z_]+)(?:\\s+WHERE\\s+(.+?))?(?:\\s+ORDER\\s+BY\\s+(.+?))?(?:\\s+LIMIT\\s+(\\d+))?\\s*$");
    private static final Pattern CONDITION = Pattern.compile(
            "(?is)\\s*([a-z_.]+)\\s+(?:BETWEEN\\s+'([^']*)'\\s+AND\\s+'([^']*)'|(=|!=|>=|<=|>|<)\\s*(?:'([^']*)'|\"([^\"]*)\"|([\\w.:-]+))|IN\\s*\\(([^)]*)\\))\\s*(AND\\s+|$)");
    private static final Pattern FIELD = Pattern.compile("[a-z_]+(\\.[a-z_]+)+");
    private static final Map<String, Integer> RESOURCES = Map.of("customer", -1, "campaign", SimEntity.CAMPAIGN,
            "ad_group", SimEntity.INSERTION_ORDER, "ad_group_ad", SimEntity.LINE_ITEM,
            "ad_group_ad_asset_view", SimEntity.CREATIVE, "change_status", CHANGE_STATUS);
    private static final Set<String> METRICS = Set.of("metrics.impressions", "metrics.clicks", "metrics.cost_micros",
            "metrics.conversions", "metrics.conversions_value");
    private static final DateTimeFormatter COMPACT = DateTimeFormatter.BASIC_ISO_DATE;
    /** change_status.last_change_date_time, in the customer's time zone. */
    private static final DateTimeFormatter CHANGE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private final Simulation simulation;

    GoogleAdsApi(Simulation simulation) {
        this.simulation = simulation;
    }

    @Override
    public String prefix() {
        return "/google-ads";
    }

    /** A GAQL query refused: answered 400 with a queryError. */
    private static final class QueryError extends RuntimeException {
        final String code;

        QueryError(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    /** A parsed query. */
    private record Query(List<String> fields, String resource, List<Condition> conditions, LocalDate from, LocalDate to,
                         long limit) {
        String text() {
            return String.join(",", fields) + "|" + resource + "|" + conditions + "|" + from + "|" + to + "|" + limit;
        }
    }

    private record Condition(String field, String op, List<String> values) {
    }

    @Override
    public void handle(SimExchange exchange) throws IOException {
        Matcher m = PATH.matcher(exchange.path());
        if (!m.matches()) {
            failure(exchange, "v21", 404, "NOT_FOUND", "requestError", "INVALID_RESOURCE_NAME", "Not found: " + exchange.path());
            return;
        }
        String version = m.group(1);
        String customerId = m.group(2);
        boolean stream = m.group(3).equals("searchStream");
        exchange.account(customerId);
        if (!exchange.method().equals("POST")) {
            failure(exchange, version, 405, "INVALID_ARGUMENT", "requestError", "UNKNOWN", "POST only");
            return;
        }
        String token = exchange.bearer().orElse(null);
        if (token == null || simulation.tokens().check("google", token).isEmpty()) {
            failure(exchange, version, 401, "UNAUTHENTICATED", "authenticationError", "OAUTH_TOKEN_INVALID",
                    "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or "
                            + "other valid authentication credential.");
            return;
        }
        if (!Catalog.DEVELOPER_TOKEN.equals(exchange.header("developer-token").orElse(null))) {
            failure(exchange, version, 401, "UNAUTHENTICATED", "authenticationError", "DEVELOPER_TOKEN_INVALID",
                    "The developer token is not valid.");
            return;
        }
        String login = exchange.header("login-customer-id").orElse(null);
        if (login != null && !login.matches("\\d{10}")) {
            failure(exchange, version, 400, "INVALID_ARGUMENT", "requestError", "INVALID_CUSTOMER_ID",
                    "Invalid customer ID '" + login + "'.");
            return;
        }
        SimAccount account = simulation.catalog().account(DSP, customerId).orElse(null);
        if (account == null) {
            failure(exchange, version, 403, "PERMISSION_DENIED", "authorizationError", "USER_PERMISSION_DENIED",
                    "User doesn't have permission to access customer.");
            return;
        }
        if (fault(exchange, version, account)) {
            return;
        }
        JsonNode body;
        try {
            body = exchange.json();
        } catch (SimExchange.BadRequest e) {
            failure(exchange, version, 400, "INVALID_ARGUMENT", "requestError", "INVALID_INPUT", e.getMessage());
            return;
        }
        Query query;
        try {
            query = parse(body.path("query").asText(""));
        } catch (QueryError e) {
            failure(exchange, version, 400, "INVALID_ARGUMENT", "queryError", e.code, e.getMessage());
            return;
        }
        int pageSize = Integer.getInteger("clp.dspsim.google-ads.page-size", 10_000);
        PagePosition at = new PagePosition(0, 0);
        String pageToken = body.path("pageToken").asText("");
        if (!stream && !pageToken.isEmpty()) {
            at = PagePosition.of(pageToken, customerId, query);
            if (at == null) {
                failure(exchange, version, 400, "INVALID_ARGUMENT", "requestError", "INVALID_PAGE_TOKEN", "Page token is invalid.");
                return;
            }
        }
        List<ObjectNode> rows;
        Long next = null;
        try {
            // a page needs its rows and one more (to know whether a next page exists, and where it starts)
            long remaining = query.limit() - at.returned();
            List<Row> found = rows(account, query, at.position(), stream ? remaining : Math.min(remaining, pageSize + 1L));
            if (!stream && found.size() > pageSize) {
                next = found.get(pageSize).position();
                found = found.subList(0, pageSize);
            }
            rows = found.stream().map(Row::node).toList();
        } catch (QueryError e) {
            failure(exchange, version, 400, "INVALID_ARGUMENT", "queryError", e.code, e.getMessage());
            return;
        }
        String fieldMask = String.join(",", query.fields().stream().map(GoogleAdsApi::camelPath).toList());
        String requestId = HexFormat.of().toHexDigits(System.nanoTime());
        boolean truncate = simulation.faults().take(DSP, customerId, Fault.Type.TRUNCATED_PAGE).isPresent();
        if (stream) {
            boolean failing = simulation.faults().take(DSP, customerId, Fault.Type.FAILED_REPORT).isPresent();
            ArrayNode chunks = SimExchange.JSON.createArrayNode();
            for (int start = 0; start < Math.max(1, rows.size()); start += pageSize) {
                ObjectNode chunk = chunks.addObject();
                ArrayNode results = SimExchange.JSON.createArrayNode();
                rows.subList(start, Math.min(rows.size(), start + pageSize)).forEach(results::add);
                if (!results.isEmpty()) {
                    chunk.set("results", results);
                }
                chunk.put("fieldMask", fieldMask).put("requestId", requestId);
                if (failing) {
                    chunks.add(failureBody(version, 500, "INTERNAL", "internalError", "INTERNAL_ERROR",
                            "An internal error has occurred."));
                    break;
                }
            }
            if (truncate) {
                exchange.truncated(200, chunks);
            } else {
                exchange.json(200, chunks);
            }
            return;
        }
        ObjectNode page = SimExchange.JSON.createObjectNode();
        ArrayNode results = page.putArray("results");
        rows.forEach(results::add);
        if (next != null) {
            page.put("nextPageToken", new PagePosition(at.returned() + rows.size(), next).token(customerId, query));
        }
        page.put("fieldMask", fieldMask);
        if (results.isEmpty()) {
            page.remove("results");
        }
        if (truncate) {
            exchange.truncated(200, page);
        } else {
            exchange.json(200, page);
        }
    }

    // --- faults ------------------------------------------------------------------------------------------------------

    private boolean fault(SimExchange exchange, String version, SimAccount account) throws IOException {
        var armed = simulation.faults().takeOnCall(DSP, account.id(), false);
        if (armed.isEmpty()) {
            return false;
        }
        Fault fault = armed.get();
        switch (fault.type()) {
            case THROTTLE -> {
                ObjectNode body = failureBody(version, 429, "RESOURCE_EXHAUSTED", "quotaError", "RESOURCE_EXHAUSTED",
                        "Too many requests. Retry in " + fault.retryAfterSeconds() + " seconds.");
                ObjectNode error = (ObjectNode) body.path("error").path("details").get(0).path("errors").get(0);
                error.putObject("details").putObject("quotaErrorDetails").put("rateScope", "DEVELOPER")
                        .put("rateName", "Number of operations for basic access").put("retryDelay", fault.retryAfterSeconds() + "s");
                exchange.json(429, body);
            }
            case SERVER_ERROR -> exchange.json(fault.remaining() % 2 == 0 ? 503 : 500, fault.remaining() % 2 == 0
                    ? failureBody(version, 503, "UNAVAILABLE", "internalError", "TRANSIENT_ERROR", "The service is currently unavailable.")
                    : failureBody(version, 500, "INTERNAL", "internalError", "INTERNAL_ERROR", "An internal error has occurred."));
            case TIMEOUT -> {
                fault.hang();
                exchange.json(504, failureBody(version, 504, "DEADLINE_EXCEEDED", "internalError", "DEADLINE_EXCEEDED",
                        "Deadline exceeded."));
            }
            case EXPIRED_TOKEN -> {
                simulation.tokens().revokeAll("google");
                failure(exchange, version, 401, "UNAUTHENTICATED", "authenticationError", "OAUTH_TOKEN_EXPIRED",
                        "Request had invalid authentication credentials. Expected OAuth 2 access token.");
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Google Ads' REST error: {@code error{code, message, status, details[GoogleAdsFailure{errors, requestId}]}}. */
    private static ObjectNode failureBody(String version, int code, String status, String errorType, String errorCode, String message) {
        ObjectNode body = SimExchange.JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code).put("message", code == 400 ? "Request contains an invalid argument." : message).put("status", status);
        ObjectNode failure = error.putArray("details").addObject();
        failure.put("@type", "type.googleapis.com/google.ads.googleads." + version + ".errors.GoogleAdsFailure");
        ObjectNode e = failure.putArray("errors").addObject();
        e.putObject("errorCode").put(errorType, errorCode);
        e.put("message", message);
        failure.put("requestId", HexFormat.of().toHexDigits(System.nanoTime()));
        return body;
    }

    private static void failure(SimExchange exchange, String version, int code, String status, String errorType, String errorCode,
                                String message) throws IOException {
        exchange.json(code, failureBody(version, code, status, errorType, errorCode, message));
    }

    // --- GAQL --------------------------------------------------------------------------------------------------------

    private static Query parse(String text) {
        Matcher m = QUERY.matcher(text);
        if (!m.matches()) {
            throw new QueryError("UNEXPECTED_INPUT", "Error in query: unexpected input " + text);
        }
        List<String> fields = new ArrayList<>();
        for (String f : m.group(1).split(",")) {
            String field = f.trim();
            if (!FIELD.matcher(field).matches()) {
                throw new QueryError("UNRECOGNIZED_FIELD", "Unrecognized field in the query: '" + field + "'.");
            }
            fields.add(field);
        }
        String resource = m.group(2).toLowerCase();
        if (!RESOURCES.containsKey(resource)) {
            throw new QueryError("INVALID_RESOURCE_IN_FROM_CLAUSE" , "Error in FROM clause: invalid resource name '" + resource + "'.");
        }
        List<Condition> conditions = new ArrayList<>();
        LocalDate from = null;
        LocalDate to = null;
        String where = m.group(3);
        if (where != null) {
            Matcher c = CONDITION.matcher(where);
            int at = 0;
            while (at < where.length()) {
                c.region(at, where.length());
                if (!c.lookingAt()) {
                    throw new QueryError("UNEXPECTED_INPUT", "Error in WHERE clause: unexpected input " + where.substring(at));
                }
                String field = c.group(1);
                if (c.group(2) != null) {
                    if (!field.equals("segments.date")) {
                        throw new QueryError("INVALID_OPERATOR_FOR_FIELD", "BETWEEN is supported on segments.date only here.");
                    }
                    from = date(c.group(2));
                    to = date(c.group(3));
                } else if (c.group(4) != null) {
                    String value = c.group(5) != null ? c.group(5) : c.group(6) != null ? c.group(6) : c.group(7);
                    conditions.add(new Condition(field, c.group(4), List.of(value)));
                } else {
                    List<String> values = new ArrayList<>();
                    for (String v : c.group(8).split(",")) {
                        values.add(v.trim().replaceAll("^['\"]|['\"]$", ""));
                    }
                    conditions.add(new Condition(field, "IN", values));
                }
                if (c.group(9).isEmpty() && c.end() < where.length()) {
                    throw new QueryError("UNEXPECTED_INPUT", "Error in WHERE clause.");
                }
                at = c.end();
            }
        }
        boolean dated = fields.contains("segments.date") || fields.stream().anyMatch(METRICS::contains);
        if (dated && from == null) {
            throw new QueryError("EXPECTED_FILTERS_ON_DATE_RANGE",
                    "Filters on the segments.date field are required when segmenting or reading metrics by date.");
        }
        if (dated && RESOURCES.get(resource) == SimEntity.CREATIVE || dated && resource.equals("customer")) {
            throw new QueryError("PROHIBITED_METRIC_IN_SELECT_OR_WHERE_CLAUSE", "Metrics are simulated on campaign, ad_group and ad_group_ad.");
        }
        long limit = m.group(5) == null ? Long.MAX_VALUE : Long.parseLong(m.group(5));
        if (resource.equals("change_status")) {
            if (conditions.stream().noneMatch(c -> c.field().equals("change_status.last_change_date_time"))) {
                throw new QueryError("EXPECTED_FILTERS_ON_DATE_RANGE",
                        "A finite range on change_status.last_change_date_time is required.");
            }
            if (limit > 10_000) {
                throw new QueryError("LIMIT_VALUE_TOO_LARGE", "change_status queries need a LIMIT of at most 10000.");
            }
        }
        return new Query(List.copyOf(fields), resource, List.copyOf(conditions), from, to, limit);
    }

    private static LocalDate date(String text) {
        try {
            return text.contains("-") ? LocalDate.parse(text) : LocalDate.parse(text, COMPACT);
        } catch (RuntimeException e) {
            throw new QueryError("INVALID_VALUE_WITH_BETWEEN_OPERATOR", "Invalid date: '" + text + "'.");
        }
    }

    /** A result row and its place in the query's scan (where the page that starts with it resumes). */
    private record Row(ObjectNode node, long position) {
    }

    /**
     * The query's rows from scan position {@code start} on, at most {@code cap} of them. The scan visits the resource's
     * objects in index order (for a dated query each object's days in turn; for change_status campaigns, ad groups, then
     * ads), so a page token that holds the position of the page's first row resumes there without rescanning the rows
     * before it. The query's own LIMIT is the caller's to apply.
     */
    private List<Row> rows(SimAccount account, Query query, long start, long limit) {
        List<Row> rows = new ArrayList<>();
        int level = RESOURCES.get(query.resource());
        if (level == CHANGE_STATUS) {
            // one row per changed campaign, ad group and ad group ad (assets are left out here)
            long first = 0;
            for (int l = SimEntity.CAMPAIGN; l <= SimEntity.LINE_ITEM && rows.size() < limit; l++) {
                long count = account.count(l);
                for (long i = Math.max(0, start - first); i < count && rows.size() < limit; i++) {
                    Map<String, Object> values = new LinkedHashMap<>();
                    customer(account, values);
                    changeStatus(account, account.entity(l, i), values);
                    addIfMatching(rows, values, query, first + i);
                }
                first += count;
            }
            return rows;
        }
        if (level < 0) {
            if (start == 0) {
                Map<String, Object> values = new LinkedHashMap<>();
                customer(account, values);
                addIfMatching(rows, values, query, 0);
            }
            return rows;
        }
        // a range that ends before it starts has no days, and no rows
        long days = query.from() == null ? 1 : Math.max(0, java.time.temporal.ChronoUnit.DAYS.between(query.from(), query.to()) + 1);
        long count = account.count(level);
        SimEntity e = null;
        Map<String, Object> objectValues = null;
        for (long p = start; p < count * days && rows.size() < limit; p++) {
            if (e == null || e.index() != p / days) {
                // an object's fields once, whatever the number of its days
                e = account.entity(level, p / days);
                objectValues = new LinkedHashMap<>();
                customer(account, objectValues);
                entity(account, e, objectValues);
            }
            if (query.from() == null) {
                addIfMatching(rows, objectValues, query, p);
                continue;
            }
            Map<String, Object> values = new LinkedHashMap<>(objectValues);
            LocalDate d = query.from().plusDays(p % days);
            SimAccount.Delivery delivery = account.delivery(level, e.index(), d);
            values.put("segments.date", d.toString());
            values.put("metrics.impressions", String.valueOf(delivery.impressions()));
            values.put("metrics.clicks", String.valueOf(delivery.clicks()));
            values.put("metrics.cost_micros", delivery.spend().movePointRight(6).toBigIntegerExact().toString());
            values.put("metrics.conversions", (double) delivery.conversions());
            values.put("metrics.conversions_value", delivery.revenue().doubleValue());
            addIfMatching(rows, values, query, p);
        }
        return rows;
    }

    private static void addIfMatching(List<Row> rows, Map<String, Object> values, Query query, long position) {
        for (String f : query.fields()) {
            if (!values.containsKey(f) && !(query.resource().equals("change_status") && f.startsWith("change_status."))) {
                throw new QueryError("UNRECOGNIZED_FIELD", "Unrecognized field in the query: '" + f + "' for resource '"
                        + query.resource() + "'.");
            }
        }
        for (Condition c : query.conditions()) {
            if (!values.containsKey(c.field()) && c.field().startsWith("change_status.")) {
                return;
            }
            if (!values.containsKey(c.field())) {
                throw new QueryError("UNRECOGNIZED_FIELD", "Unrecognized field in the WHERE clause: '" + c.field() + "'.");
            }
            if (!matches(values.get(c.field()), c)) {
                return;
            }
        }
        ObjectNode row = SimExchange.JSON.createObjectNode();
        for (String f : query.fields()) {
            if (!values.containsKey(f)) {
                continue; // an unset field of a change_status row
            }
            String[] parts = f.split("\\.");
            ObjectNode node = row;
            for (int i = 0; i < parts.length - 1; i++) {
                String name = camel(parts[i]);
                node = node.has(name) ? (ObjectNode) node.get(name) : node.putObject(name);
                if (i == 0) {
                    Object resourceName = values.get(parts[0] + ".resource_name");
                    if (resourceName != null && !node.has("resourceName")) {
                        node.put("resourceName", resourceName.toString());
                    }
                }
            }
            node.putPOJO(camel(parts[parts.length - 1]), values.get(f));
        }
        rows.add(new Row(row, position));
    }

    private static boolean matches(Object actual, Condition c) {
        String value = String.valueOf(actual);
        String expected = c.values().getFirst();
        return switch (c.op()) {
            case "=" -> value.equals(expected);
            case "!=" -> !value.equals(expected);
            case "IN" -> c.values().contains(value);
            default -> {
                int cmp = compare(value, expected);
                yield switch (c.op()) {
                    case ">" -> cmp > 0;
                    case ">=" -> cmp >= 0;
                    case "<" -> cmp < 0;
                    default -> cmp <= 0;
                };
            }
        };
    }

    private static int compare(String a, String b) {
        try {
            return new BigDecimal(a).compareTo(new BigDecimal(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }

    // --- resources ---------------------------------------------------------------------------------------------------

    private static void customer(SimAccount account, Map<String, Object> v) {
        v.put("customer.resource_name", "customers/" + account.id());
        v.put("customer.id", account.id());
        v.put("customer.descriptive_name", account.name());
        v.put("customer.currency_code", account.currency());
        v.put("customer.time_zone", account.timeZone().getId());
        v.put("customer.manager", false);
    }

    private static String status(SimEntity e) {
        return switch (e.status()) {
            case "ACTIVE" -> "ENABLED";
            case "REMOVED" -> "REMOVED";
            default -> "PAUSED"; // Google Ads has no draft or archived state
        };
    }

    private static void entity(SimAccount account, SimEntity e, Map<String, Object> v) {
        String c = "customers/" + account.id();
        switch (e.level()) {
            case SimEntity.CAMPAIGN -> campaign(account, e, v);
            case SimEntity.INSERTION_ORDER -> {
                campaign(account, account.byId(SimEntity.CAMPAIGN, e.parentId()), v);
                adGroup(c, e, v);
            }
            case SimEntity.LINE_ITEM -> {
                SimEntity adGroup = account.byId(SimEntity.INSERTION_ORDER, e.parentId());
                campaign(account, account.byId(SimEntity.CAMPAIGN, e.campaignId()), v);
                adGroup(c, adGroup, v);
                adGroupAd(c, e, v);
            }
            default -> {
                SimEntity ad = account.byId(SimEntity.LINE_ITEM, e.parentId());
                SimEntity adGroup = account.byId(SimEntity.INSERTION_ORDER, ad.parentId());
                campaign(account, account.byId(SimEntity.CAMPAIGN, e.campaignId()), v);
                adGroup(c, adGroup, v);
                adGroupAd(c, ad, v);
                String link = adGroup.id() + "~" + ad.id();
                v.put("ad_group_ad_asset_view.resource_name", c + "/adGroupAdAssets/" + link + "~" + e.id() + "~MARKETING_IMAGE");
                v.put("ad_group_ad_asset_view.ad_group_ad", c + "/adGroupAds/" + link);
                v.put("ad_group_ad_asset_view.asset", c + "/assets/" + e.id());
                v.put("ad_group_ad_asset_view.field_type", "MARKETING_IMAGE");
                v.put("ad_group_ad_asset_view.enabled", !e.removed());
                v.put("asset.resource_name", c + "/assets/" + e.id());
                v.put("asset.id", e.id());
                v.put("asset.name", e.name());
                v.put("asset.type", "IMAGE");
            }
        }
    }

    private static void changeStatus(SimAccount account, SimEntity e, Map<String, Object> v) {
        String c = "customers/" + account.id();
        v.put("change_status.resource_name", c + "/changeStatus/" + e.id());
        v.put("change_status.last_change_date_time", CHANGE_TIME.format(e.updatedAt().atZone(account.timeZone())));
        v.put("change_status.resource_type", switch (e.level()) {
            case SimEntity.CAMPAIGN -> "CAMPAIGN";
            case SimEntity.INSERTION_ORDER -> "AD_GROUP";
            default -> "AD_GROUP_AD";
        });
        v.put("change_status.resource_status", e.removed() ? "REMOVED" : "CHANGED");
        v.put("change_status.campaign", c + "/campaigns/" + e.campaignId());
        if (e.level() >= SimEntity.INSERTION_ORDER) {
            String adGroupId = e.level() == SimEntity.INSERTION_ORDER ? e.id() : e.parentId();
            v.put("change_status.ad_group", c + "/adGroups/" + adGroupId);
        }
        if (e.level() == SimEntity.LINE_ITEM) {
            v.put("change_status.ad_group_ad", c + "/adGroupAds/" + e.parentId() + "~" + e.id());
        }
    }

    private static void campaign(SimAccount account, SimEntity e, Map<String, Object> v) {
        String c = "customers/" + account.id();
        String budgetId = "9" + e.id().substring(1);
        v.put("campaign.resource_name", c + "/campaigns/" + e.id());
        v.put("campaign.id", e.id());
        v.put("campaign.name", e.name());
        v.put("campaign.status", status(e));
        v.put("campaign.advertising_channel_type", "DISPLAY");
        v.put("campaign.start_date", e.startDate().toString());
        v.put("campaign.end_date", e.endDate().toString());
        v.put("campaign.campaign_budget", c + "/campaignBudgets/" + budgetId);
        v.put("campaign_budget.resource_name", c + "/campaignBudgets/" + budgetId);
        v.put("campaign_budget.id", budgetId);
        String micros = e.budget().movePointRight(6).toBigIntegerExact().toString();
        boolean daily = "daily".equals(e.budgetType());
        v.put("campaign_budget.period", daily ? "DAILY" : "CUSTOM_PERIOD");
        v.put("campaign_budget.amount_micros", daily ? micros : "0");
        v.put("campaign_budget.total_amount_micros", daily ? "0" : micros);
        v.put("campaign_budget.delivery_method", "EVEN".equals(e.pacingType()) ? "STANDARD" : "ACCELERATED");
    }

    private static void adGroup(String c, SimEntity e, Map<String, Object> v) {
        v.put("ad_group.resource_name", c + "/adGroups/" + e.id());
        v.put("ad_group.id", e.id());
        v.put("ad_group.name", e.name());
        v.put("ad_group.status", status(e));
        v.put("ad_group.type", "DISPLAY_STANDARD");
        v.put("ad_group.campaign", c + "/campaigns/" + e.parentId());
        v.put("ad_group.cpm_bid_micros", e.budget().movePointRight(4).toBigInteger().toString());
    }

    private static void adGroupAd(String c, SimEntity e, Map<String, Object> v) {
        v.put("ad_group_ad.resource_name", c + "/adGroupAds/" + e.parentId() + "~" + e.id());
        v.put("ad_group_ad.ad_group", c + "/adGroups/" + e.parentId());
        v.put("ad_group_ad.status", status(e));
        v.put("ad_group_ad.ad.resource_name", c + "/ads/" + e.id());
        v.put("ad_group_ad.ad.id", e.id());
        v.put("ad_group_ad.ad.name", e.name());
        v.put("ad_group_ad.ad.type", "RESPONSIVE_DISPLAY_AD");
    }

    // --- helpers -----------------------------------------------------------------------------------------------------

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

    private static String camelPath(String field) {
        return String.join(".", java.util.Arrays.stream(field.split("\\.")).map(GoogleAdsApi::camel).toList());
    }

    /** Where a page starts: the rows the query returned before it, and the scan position of its first row. */
    private record PagePosition(long returned, long position) {

        /** Opaque to clients, and valid only for the customer and query it was issued for. */
        String token(String customerId, Query query) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((returned + ":" + position + ":"
                    + scope(customerId, query)).getBytes(StandardCharsets.UTF_8));
        }

        /** The position of a page token issued for this same customer and query, or null. */
        static PagePosition of(String token, String customerId, Query query) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
                if (parts.length != 3 || !parts[2].equals(scope(customerId, query))) {
                    return null;
                }
                PagePosition at = new PagePosition(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
                return at.returned() < 0 || at.position() < 0 ? null : at;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        private static String scope(String customerId, Query query) {
            return Integer.toHexString((customerId + "|" + query.text()).hashCode());
        }
    }
}
