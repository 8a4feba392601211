package io.clp.dspsim;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Display &amp; Video 360 API v4 ({@code https://displayvideo.googleapis.com}), base URL {@code /dv360}:
 * {@code GET /v4/advertisers/{advertiserId}} and its {@code campaigns}, {@code insertionOrders}, {@code lineItems} and
 * {@code creatives} lists (and single reads), with DV360's paging ({@code pageSize} 1-200, default 100,
 * {@code pageToken}/{@code nextPageToken}, list field absent when empty), {@code filter} and {@code orderBy}.
 * Objects deleted at the DSP are gone (absent from lists, 404 when read), as a DV360 delete is; archived ones stay
 * listed with {@code ENTITY_STATUS_ARCHIVED}. An advertiser the caller cannot see answers 403 PERMISSION_DENIED, as
 * Google does for ids it will not confirm exist.
 */
final class Dv360Api implements DspApi {

    private static final Pattern ADVERTISER = Pattern.compile("/v4/advertisers/(\\d+)(?:/([A-Za-z]+)(?:/(\\d+))?)?");
    private static final List<String> COLLECTIONS = List.of("campaigns", "insertionOrders", "lineItems", "creatives");
    private static final List<String> ID_FIELDS = List.of("campaignId", "insertionOrderId", "lineItemId", "creativeId");
    private static final Pattern RESTRICTION = Pattern.compile("\\s*([A-Za-z]+)\\s*(>=|<=|=|:)\\s*(\"[^\"]*\"|[^\\s\"()]+)\\s*");
    private static final Set<String> STATUSES = Set.of("ENTITY_STATUS_ACTIVE", "ENTITY_STATUS_PAUSED", "ENTITY_STATUS_DRAFT",
            "ENTITY_STATUS_ARCHIVED", "ENTITY_STATUS_SCHEDULED_FOR_DELETION");
    private static final int[][] SIZES = {{300, 250}, {728, 90}, {160, 600}, {320, 50}, {300, 600}, {970, 250}};

    private final Simulation simulation;

    Dv360Api(Simulation simulation) {
        this.simulation = simulation;
    }

    @Override
    public String prefix() {
        return "/dv360";
    }

    @Override
    public void handle(SimExchange exchange) throws IOException {
        Matcher m = ADVERTISER.matcher(exchange.path());
        if (!m.matches() || !exchange.method().equals("GET")) {
            GoogleErrors.send(exchange, 404, "NOT_FOUND", "Requested entity was not found.");
            return;
        }
        if (!GoogleErrors.authenticated(simulation, exchange)) {
            return;
        }
        String advertiserId = m.group(1);
        exchange.account(advertiserId);
        Optional<SimAccount> found = simulation.catalog().account("dv360", advertiserId);
        if (found.isEmpty()) {
            GoogleErrors.send(exchange, 403, "PERMISSION_DENIED", "The caller does not have permission");
            return;
        }
        SimAccount account = found.get();
        String collection = m.group(2);
        int level = collection == null ? -1 : COLLECTIONS.indexOf(collection);
        if (collection != null && level < 0) {
            GoogleErrors.send(exchange, 404, "NOT_FOUND", "Requested entity was not found.");
            return;
        }
        boolean listing = collection != null && m.group(3) == null;
        Optional<Fault> fault = simulation.faults().takeOnCall("dv360", advertiserId, listing);
        if (fault.isPresent() && fault.get().type() == Fault.Type.THROTTLE) {
            throttled(exchange, fault.get());
            return;
        }
        if (GoogleErrors.commonFault(simulation, exchange, fault)) {
            return;
        }
        if (collection == null) {
            exchange.json(200, advertiser(account));
            return;
        }
        if (!listing) {
            SimEntity entity = account.byId(level, m.group(3));
            if (entity == null || entity.removed()) {
                GoogleErrors.send(exchange, 404, "NOT_FOUND", "Requested entity was not found.");
            } else {
                exchange.json(200, render(account, entity));
            }
            return;
        }
        Map<String, Object> page;
        try {
            page = list(exchange, account, level, collection);
        } catch (SimExchange.BadRequest e) {
            GoogleErrors.send(exchange, 400, "INVALID_ARGUMENT", e.getMessage());
            return;
        }
        if (fault.isPresent() && fault.get().type() == Fault.Type.TRUNCATED_PAGE) {
            exchange.truncated(200, page);
        } else {
            exchange.json(200, page);
        }
    }

    /**
     * Google's quota answer: 429 RESOURCE_EXHAUSTED with a {@code google.rpc.RetryInfo} detail carrying the wait as a
     * Duration string ({@code "5s"}); Google's front end sends no Retry-After header for it.
     */
    private static void throttled(SimExchange exchange, Fault fault) throws IOException {
        GoogleErrors.send(exchange, 429, "RESOURCE_EXHAUSTED",
                "Quota exceeded for quota metric 'Read requests per advertiser' and limit 'Read requests per minute per "
                        + "advertiser per project' of service 'displayvideo.googleapis.com'.",
                List.of(Map.of("@type", "type.googleapis.com/google.rpc.RetryInfo",
                                "retryDelay", fault.retryAfterSeconds() + "s"),
                        Map.of("@type", "type.googleapis.com/google.rpc.ErrorInfo", "reason", "RATE_LIMIT_EXCEEDED",
                                "domain", "googleapis.com",
                                "metadata", Map.of("service", "displayvideo.googleapis.com"))),
                null, Map.of());
    }

    // --- listing ------------------------------------------------------------------------------------------------------

    private Map<String, Object> list(SimExchange exchange, SimAccount account, int level, String collection) {
        int pageSize = pageSize(exchange.query("pageSize").orElse(null));
        Predicate<SimEntity> filter = filter(level, exchange.query("filter").orElse(""));
        Comparator<SimEntity> order = order(level, exchange.query("orderBy").orElse(""));
        long start = exchange.query("pageToken").filter(t -> !t.isEmpty()).map(Dv360Api::decodeToken).orElse(0L);
        List<Object> items = new ArrayList<>();
        long next = -1;
        if (order == null) {
            // by id, the default order: ids grow with the index, so a token is the next index to look at
            long count = account.count(level);
            long i = start;
            for (; i < count && items.size() < pageSize; i++) {
                SimEntity e = account.entity(level, i);
                if (!e.removed() && filter.test(e)) {
                    items.add(render(account, e));
                }
            }
            next = i < count ? i : -1;
        } else {
            List<SimEntity> all = account.entities(level).stream().filter(e -> !e.removed() && filter.test(e))
                    .sorted(order).toList();
            for (long i = start; i < all.size() && items.size() < pageSize; i++) {
                items.add(render(account, all.get((int) i)));
            }
            next = start + pageSize < all.size() ? start + pageSize : -1;
        }
        Map<String, Object> page = new LinkedHashMap<>();
        if (!items.isEmpty()) {
            page.put(collection, items);
        }
        if (next >= 0) {
            page.put("nextPageToken", encodeToken(next));
        }
        return page;
    }

    private static int pageSize(String raw) {
        if (raw == null || raw.isEmpty()) {
            return 100;
        }
        try {
            int size = Integer.parseInt(raw);
            if (size >= 1 && size <= 200) {
                return size;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the refusal
        }
        throw new SimExchange.BadRequest("Request contains an invalid argument. pageSize must be between 1 and 200.");
    }

    private static String encodeToken(long next) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("dv360-page:" + next).getBytes(StandardCharsets.UTF_8));
    }

    private static long decodeToken(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith("dv360-page:")) {
                return Long.parseLong(text.substring("dv360-page:".length()));
            }
        } catch (IllegalArgumentException ignored) {
            // falls through to the refusal
        }
        throw new SimExchange.BadRequest("Request contains an invalid argument. Invalid pageToken.");
    }

    /** DV360's filter syntax: restrictions {@code field op value} joined by AND (upper case). */
    private static Predicate<SimEntity> filter(int level, String raw) {
        Predicate<SimEntity> all = e -> true;
        if (raw.isBlank()) {
            return all;
        }
        if (raw.length() > 500) {
            throw new SimExchange.BadRequest("Request contains an invalid argument. filter must be at most 500 characters.");
        }
        for (String term : raw.trim().split("\\s+AND\\s+")) {
            Matcher m = RESTRICTION.matcher(term);
            if (!m.matches()) {
                throw invalidFilter(raw);
            }
            String field = m.group(1);
            String op = m.group(2);
            String value = m.group(3).startsWith("\"") ? m.group(3).substring(1, m.group(3).length() - 1) : m.group(3);
            all = all.and(restriction(level, field, op, value, raw));
        }
        return all;
    }

    private static Predicate<SimEntity> restriction(int level, String field, String op, String value, String raw) {
        switch (field) {
            case "updateTime" -> {
                Instant at;
                try {
                    at = OffsetDateTime.parse(value).toInstant();
                } catch (DateTimeParseException e) {
                    throw invalidFilter(raw);
                }
                return switch (op) {
                    case ">=" -> e -> !e.updatedAt().isBefore(at);
                    case "<=" -> e -> !e.updatedAt().isAfter(at);
                    default -> throw invalidFilter(raw);
                };
            }
            case "entityStatus" -> {
                if (!op.equals("=") || !STATUSES.contains(value)) {
                    throw invalidFilter(raw);
                }
                return e -> status(e).equals(value);
            }
            case "displayName" -> {
                if (op.equals("=")) {
                    return e -> e.name().equals(value);
                }
                if (op.equals(":")) {
                    return e -> e.name().toLowerCase().contains(value.toLowerCase());
                }
                throw invalidFilter(raw);
            }
            default -> {
                int idLevel = ID_FIELDS.indexOf(field);
                if (idLevel < 0 || idLevel > level || !op.equals("=")) {
                    throw invalidFilter(raw);
                }
                return e -> ancestorId(e, idLevel).equals(value);
            }
        }
    }

    private static SimExchange.BadRequest invalidFilter(String raw) {
        return new SimExchange.BadRequest("Request contains an invalid argument. Invalid filter: " + raw);
    }

    /** The id of the entity's ancestor at {@code level} (itself at its own level); only campaign and parent are known. */
    private static String ancestorId(SimEntity e, int level) {
        if (level == e.level()) {
            return e.id();
        }
        if (level == e.level() - 1) {
            return e.parentId();
        }
        return level == SimEntity.CAMPAIGN ? e.campaignId() : "";
    }

    private static Comparator<SimEntity> order(int level, String raw) {
        if (raw.isBlank()) {
            return null;
        }
        String[] parts = raw.trim().split("\\s+");
        boolean desc = parts.length == 2 && parts[1].equalsIgnoreCase("desc");
        if (parts.length > 2 || parts.length == 2 && !desc) {
            throw new SimExchange.BadRequest("Request contains an invalid argument. Invalid orderBy: " + raw);
        }
        Comparator<SimEntity> c = switch (parts[0]) {
            case "displayName" -> Comparator.comparing(SimEntity::name);
            case "entityStatus" -> Comparator.comparing(Dv360Api::status);
            case "updateTime" -> Comparator.comparing(SimEntity::updatedAt);
            default -> {
                if (parts[0].equals(ID_FIELDS.get(level))) {
                    yield Comparator.comparingLong(SimEntity::index);
                }
                throw new SimExchange.BadRequest("Request contains an invalid argument. Invalid orderBy: " + raw);
            }
        };
        c = c.thenComparingLong(SimEntity::index);
        return desc ? c.reversed() : c;
    }

    // --- rendering ----------------------------------------------------------------------------------------------------

    private static Map<String, Object> advertiser(SimAccount account) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", "advertisers/" + account.id());
        a.put("advertiserId", account.id());
        a.put("partnerId", "900" + account.id().substring(Math.max(0, account.id().length() - 4)));
        a.put("displayName", account.name());
        a.put("entityStatus", "ENTITY_STATUS_ACTIVE");
        a.put("updateTime", "2026-01-01T00:00:00Z");
        a.put("generalConfig", Map.of("domainUrl", "https://www.example.com", "timeZone", account.timeZone().getId(),
                "currencyCode", account.currency()));
        a.put("servingConfig", Map.of("exemptTvFromViewabilityTargeting", false));
        return a;
    }

    static String status(SimEntity e) {
        return "ENTITY_STATUS_" + e.status();
    }

    private static Map<String, Object> render(SimAccount account, SimEntity e) {
        return switch (e.level()) {
            case SimEntity.CAMPAIGN -> campaign(account, e);
            case SimEntity.INSERTION_ORDER -> insertionOrder(account, e);
            case SimEntity.LINE_ITEM -> lineItem(account, e);
            default -> creative(account, e);
        };
    }

    private static Map<String, Object> campaign(SimAccount account, SimEntity e) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", "advertisers/" + account.id() + "/campaigns/" + e.id());
        c.put("advertiserId", account.id());
        c.put("campaignId", e.id());
        c.put("displayName", e.name());
        c.put("entityStatus", status(e));
        c.put("updateTime", e.updatedAt().toString());
        c.put("campaignGoal", Map.of("campaignGoalType", "CAMPAIGN_GOAL_TYPE_BRAND_AWARENESS",
                "performanceGoal", Map.of("performanceGoalType", "PERFORMANCE_GOAL_TYPE_CPM",
                        "performanceGoalAmountMicros", "5000000")));
        c.put("campaignFlight", Map.of("plannedSpendAmountMicros", micros(e.budget()),
                "plannedDates", Map.of("startDate", date(e.startDate()), "endDate", date(e.endDate()))));
        c.put("frequencyCap", Map.of("unlimited", true));
        return c;
    }

    private static Map<String, Object> insertionOrder(SimAccount account, SimEntity e) {
        Map<String, Object> io = new LinkedHashMap<>();
        io.put("name", "advertisers/" + account.id() + "/insertionOrders/" + e.id());
        io.put("advertiserId", account.id());
        io.put("campaignId", e.parentId());
        io.put("insertionOrderId", e.id());
        io.put("displayName", e.name());
        io.put("insertionOrderType", "RTB");
        io.put("entityStatus", status(e));
        io.put("updateTime", e.updatedAt().toString());
        io.put("pacing", pacing(e));
        io.put("frequencyCap", Map.of("unlimited", true));
        io.put("kpi", Map.of("kpiType", "KPI_TYPE_CPM", "kpiAmountMicros", "4000000"));
        io.put("budget", Map.of("budgetUnit", "BUDGET_UNIT_CURRENCY", "automationType", "INSERTION_ORDER_AUTOMATION_TYPE_NONE",
                "budgetSegments", List.of(Map.of("budgetAmountMicros", micros(e.budget()),
                        "dateRange", Map.of("startDate", date(e.startDate()), "endDate", date(e.endDate()))))));
        io.put("bidStrategy", Map.of("fixedBid", Map.of("bidAmountMicros", "2500000")));
        return io;
    }

    private static Map<String, Object> lineItem(SimAccount account, SimEntity e) {
        Map<String, Object> li = new LinkedHashMap<>();
        li.put("name", "advertisers/" + account.id() + "/lineItems/" + e.id());
        li.put("advertiserId", account.id());
        li.put("campaignId", e.campaignId());
        li.put("insertionOrderId", e.parentId());
        li.put("lineItemId", e.id());
        li.put("displayName", e.name());
        li.put("lineItemType", "LINE_ITEM_TYPE_DISPLAY_DEFAULT");
        li.put("entityStatus", status(e));
        li.put("updateTime", e.updatedAt().toString());
        li.put("flight", Map.of("flightDateType", "LINE_ITEM_FLIGHT_DATE_TYPE_CUSTOM",
                "dateRange", Map.of("startDate", date(e.startDate()), "endDate", date(e.endDate()))));
        li.put("budget", Map.of("budgetAllocationType", "LINE_ITEM_BUDGET_ALLOCATION_TYPE_FIXED",
                "budgetUnit", "BUDGET_UNIT_CURRENCY", "maxAmount", micros(e.budget())));
        li.put("pacing", pacing(e));
        li.put("frequencyCap", Map.of("unlimited", true));
        li.put("partnerRevenueModel", Map.of("markupType", "PARTNER_REVENUE_MODEL_MARKUP_TYPE_TOTAL_MEDIA_COST_MARKUP",
                "markupAmount", "0"));
        li.put("bidStrategy", Map.of("fixedBid", Map.of("bidAmountMicros", "2000000")));
        List<String> creatives = account.children(SimEntity.CREATIVE, e.index()).stream()
                .filter(c -> !c.removed()).map(SimEntity::id).toList();
        if (!creatives.isEmpty()) {
            li.put("creativeIds", creatives);
        }
        li.put("reservationType", "RESERVATION_TYPE_NOT_GUARANTEED");
        return li;
    }

    private static Map<String, Object> creative(SimAccount account, SimEntity e) {
        int[] size = SIZES[(int) (e.index() % SIZES.length)];
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", "advertisers/" + account.id() + "/creatives/" + e.id());
        c.put("advertiserId", account.id());
        c.put("creativeId", e.id());
        c.put("displayName", e.name());
        c.put("entityStatus", status(e));
        c.put("updateTime", e.updatedAt().toString());
        c.put("createTime", e.updatedAt().minus(30, ChronoUnit.DAYS).toString());
        c.put("hostingSource", "HOSTING_SOURCE_HOSTED");
        c.put("creativeType", "CREATIVE_TYPE_STANDARD");
        c.put("dimensions", Map.of("widthPixels", size[0], "heightPixels", size[1]));
        c.put("lineItemIds", List.of(e.parentId()));
        c.put("reviewStatus", Map.of("approvalStatus", "APPROVAL_STATUS_APPROVED_SERVABLE"));
        return c;
    }

    /**
     * DV360 pacing: a daily period needs a daily cap ({@code dailyMaxMicros}): the flight budget spread over the
     * flight's days, rounded down to a cent so it is billable.
     */
    private static Map<String, Object> pacing(SimEntity e) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("pacingPeriod", "PACING_PERIOD_" + e.pacingPeriod());
        p.put("pacingType", "PACING_TYPE_" + e.pacingType());
        if (e.pacingPeriod().equals("DAILY") && e.budget() != null) {
            long days = ChronoUnit.DAYS.between(e.startDate(), e.endDate()) + 1;
            p.put("dailyMaxMicros", micros(e.budget().divide(BigDecimal.valueOf(days), 2, RoundingMode.DOWN)));
        }
        return p;
    }

    static String micros(BigDecimal amount) {
        return amount.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).toPlainString();
    }

    static Map<String, Integer> date(LocalDate d) {
        return Map.of("year", d.getYear(), "month", d.getMonthValue(), "day", d.getDayOfMonth());
    }
}
