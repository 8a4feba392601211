package io.clp.campaign.hierarchy;

import io.clp.campaign.account.DspType;
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
 * A validated campaign list request: filters (each narrows; repeated values of one filter widen), sort,
 * direction, page size and cursor. Every invalid parameter is named in one 400 problem.
 */
record CampaignQuery(List<DspType> dspTypes, Optional<UUID> dspAccountId, List<String> statuses,
                     Optional<String> advertiserId, Optional<String> nameContains,
                     Optional<LocalDate> startDateFrom, Optional<LocalDate> startDateTo,
                     Optional<LocalDate> endDateFrom, Optional<LocalDate> endDateTo, boolean includeRemoved,
                     CampaignSort sort, boolean descending, int limit, Optional<SortCursor> after) {

    /** The statuses the hierarchy tables allow: the connectors' EntityStatus, lower-cased. */
    static final Set<String> STATUSES = Set.of("active", "paused", "draft", "archived", "removed");

    /** The request's parameters as they arrived, unparsed, so that each bad one can be named. */
    record Params(List<String> dspType, String dspAccountId, List<String> status, String advertiserId, String nameContains,
                  String startDateFrom, String startDateTo, String endDateFrom, String endDateTo, String includeRemoved,
                  String sort, String order, String limit, String cursor) {
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
        CampaignSort sort = CampaignSort.NAME;
        try {
            sort = CampaignSort.parse(p.sort());
        } catch (RuntimeException e) {
            errors.add(new FieldError("sort", "must be one of name, startDate, endDate, budget, updatedAt, createdAt"));
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
        Optional<SortCursor> after = present(p.cursor())
                ? Optional.of(SortCursor.decode(p.cursor().strip(), sort, descending)) : Optional.empty();
        Optional<String> name = present(p.nameContains()) ? Optional.of(p.nameContains().strip()) : Optional.empty();
        Optional<String> advertiser = present(p.advertiserId()) ? Optional.of(p.advertiserId().strip()) : Optional.empty();
        return new CampaignQuery(List.copyOf(dspTypes), account, List.copyOf(statuses), advertiser, name,
                startFrom, startTo, endFrom, endTo, includeRemoved, sort, descending, limit, after);
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
            return Optional.of(LocalDate.parse(value.strip()));
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(name, "must be a date, YYYY-MM-DD"));
            return Optional.empty();
        }
    }
}
