package io.clp.campaign.hierarchy;

import io.clp.campaign.account.DspType;
import io.clp.campaign.summary.Grain;
import io.clp.platform.pagination.PageRequest;
import io.clp.platform.problem.FieldError;
import io.clp.platform.problem.Problems;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A validated campaign list request: filters (each narrows; repeated values of one filter widen), the week or month
 * whose totals it shows, filters by KPI over that period, sort, direction, page size and cursor. Every invalid parameter is named in one 400 problem.
 */
record CampaignQuery(List<DspType> dspTypes, Optional<UUID> dspAccountId, List<String> statuses,
                     Optional<String> advertiserId, Optional<String> nameContains,
                     Optional<LocalDate> startDateFrom, Optional<LocalDate> startDateTo,
                     Optional<LocalDate> endDateFrom, Optional<LocalDate> endDateTo, boolean includeRemoved,
                     Optional<Period> period, List<KpiFilter> kpis,
                     CampaignSort sort, boolean descending, int limit, Optional<SortCursor> after) {

    /** The week or month whose totals the list shows, filters and sorts by: its grain and first day. */
    record Period(Grain grain, LocalDate start) {
        /** How a cursor names it. */
        String id() {
            return grain.id() + ":" + start;
        }
    }

    static final int MAX_KPI_FILTERS = 10;

    /** How a cursor names a list without a period. */
    static final String NO_PERIOD = "-";

    /** The statuses the hierarchy tables allow: the connectors' EntityStatus, lower-cased. */
    static final Set<String> STATUSES = Set.of("active", "paused", "draft", "archived", "removed");

    /** The request's parameters as they arrived, unparsed, so that each bad one can be named. */
    record Params(List<String> dspType, String dspAccountId, List<String> status, String advertiserId, String nameContains,
                  String startDateFrom, String startDateTo, String endDateFrom, String endDateTo, String includeRemoved,
                  String grain, String period, List<String> kpi, String sort, String order, String limit, String cursor) {
    }

    static CampaignQuery of(Params p) {
        List<FieldError> errors = new ArrayList<>();
        List<DspType> dspTypes = new ArrayList<>();
        for (String value : nonBlank(p.dspType())) {
            Arrays.stream(DspType.values()).filter(t -> t.name().equals(value)).findFirst().ifPresentOrElse(dspTypes::add,
                    () -> errors.add(new FieldError("dspType", "must be one of " + Arrays.stream(DspType.values())
                            .map(Enum::name).collect(Collectors.joining(", ")))));
        }
        List<String> statuses = new ArrayList<>();
        for (String value : nonBlank(p.status())) {
            if (STATUSES.contains(value)) {
                statuses.add(value);
            } else {
                errors.add(new FieldError("status", "must be one of active, paused, draft, archived, removed"));
            }
        }
        Optional<UUID> account = Optional.empty();
        if (present(p.dspAccountId())) {
            try {
                account = Optional.of(UUID.fromString(p.dspAccountId().strip()));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("dspAccountId", "must be a UUID"));
            }
        }
        Optional<LocalDate> startFrom = date("startDateFrom", p.startDateFrom(), errors);
        Optional<LocalDate> startTo = date("startDateTo", p.startDateTo(), errors);
        Optional<LocalDate> endFrom = date("endDateFrom", p.endDateFrom(), errors);
        Optional<LocalDate> endTo = date("endDateTo", p.endDateTo(), errors);
        boolean includeRemoved = false;
        if (present(p.includeRemoved())) {
            switch (p.includeRemoved().strip()) {
                case "true" -> includeRemoved = true;
                case "false" -> includeRemoved = false;
                default -> errors.add(new FieldError("includeRemoved", "must be true or false"));
            }
        }
        Optional<Period> period = Optional.empty();
        Grain grain = Grain.MONTH;
        if (present(p.grain())) {
            // the list's totals are kept by week and by month, not by day
            Optional<Grain> listed = Grain.byId(p.grain()).filter(g -> g != Grain.DAY);
            if (listed.isPresent()) {
                grain = listed.get();
            } else {
                errors.add(new FieldError("grain", "must be week or month"));
            }
        }
        Optional<LocalDate> periodDay = date("period", p.period(), errors);
        if (periodDay.isPresent()) {
            period = Optional.of(new Period(grain, grain.start(periodDay.get())));
        } else if (present(p.grain()) && !present(p.period())) {
            errors.add(new FieldError("period", "is needed with grain: a day of the week or month to list"));
        }
        List<KpiFilter> kpis = new ArrayList<>();
        for (String value : nonBlank(p.kpi())) {
            KpiFilter.parse(value).ifPresentOrElse(kpis::add, () -> errors.add(new FieldError("kpi",
                    "must be kpi:op:value, kpi one of " + CampaignSort.kpiIds() + ", op one of gt, gte, lt, lte, eq, "
                            + "value a plain number (whole for counts)")));
        }
        if (kpis.size() > MAX_KPI_FILTERS) {
            errors.add(new FieldError("kpi", "at most " + MAX_KPI_FILTERS + " conditions"));
        }
        if (!nonBlank(p.kpi()).isEmpty() && !present(p.period())) {
            errors.add(new FieldError("kpi", "needs a period: the KPIs are a week's or a month's"));
        }
        CampaignSort sort = CampaignSort.NAME;
        try {
            sort = CampaignSort.parse(p.sort());
            if (sort.kpi() && !present(p.period())) {
                errors.add(new FieldError("sort", "by a KPI needs a period: the KPIs are a week's or a month's"));
            }
        } catch (RuntimeException e) {
            errors.add(new FieldError("sort", "must be one of " + CampaignSort.ids()));
        }
        boolean descending = false;
        if (present(p.order())) {
            switch (p.order().strip()) {
                case "asc" -> descending = false;
                case "desc" -> descending = true;
                default -> errors.add(new FieldError("order", "must be asc or desc"));
            }
        }
        int limit = PageRequest.DEFAULT_LIMIT;
        if (present(p.limit())) {
            try {
                limit = Integer.parseInt(p.limit().strip());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > PageRequest.MAX_LIMIT) {
                errors.add(new FieldError("limit", "must be between 1 and " + PageRequest.MAX_LIMIT));
            }
        }
        if (!errors.isEmpty()) {
            throw Problems.validation(errors);
        }
        String periodId = period.map(Period::id).orElse(NO_PERIOD);
        Optional<SortCursor> after = present(p.cursor())
                ? Optional.of(SortCursor.decode(p.cursor().strip(), sort, descending, periodId)) : Optional.empty();
        Optional<String> name = present(p.nameContains()) ? Optional.of(p.nameContains().strip()) : Optional.empty();
        Optional<String> advertiser = present(p.advertiserId()) ? Optional.of(p.advertiserId().strip()) : Optional.empty();
        return new CampaignQuery(List.copyOf(dspTypes), account, List.copyOf(statuses), advertiser, name,
                startFrom, startTo, endFrom, endTo, includeRemoved, period, List.copyOf(kpis), sort, descending, limit, after);
    }

    private static List<String> nonBlank(List<String> values) {
        return values == null ? List.of() : values.stream().filter(CampaignQuery::present).map(String::strip).toList();
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static Optional<LocalDate> date(String name, String value, List<FieldError> errors) {
        if (!present(value)) {
            return Optional.empty();
        }
        try {
            LocalDate d = LocalDate.parse(value.strip());
            // the years PostgreSQL and every client agree on; others (e.g. -5000-01-01) would fail in the database
            if (d.getYear() < 1 || d.getYear() > 9999) {
                errors.add(new FieldError(name, "must be between 0001-01-01 and 9999-12-31"));
                return Optional.empty();
            }
            return Optional.of(d);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(name, "must be a date, YYYY-MM-DD"));
            return Optional.empty();
        }
    }
}
