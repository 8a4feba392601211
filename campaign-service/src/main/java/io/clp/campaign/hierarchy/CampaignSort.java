package io.clp.campaign.hierarchy;

import io.clp.platform.problem.Problems;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The orders a campaign list can be sorted in: each a column, how its cursor value is written and read
 * back, and whether it may be null (a null sorts last in either direction, then the id breaks ties).
 */
enum CampaignSort {
    NAME("name", "name", false, c -> c.name, v -> v),
    START_DATE("startDate", "startDate", true, c -> c.startDate, LocalDate::parse),
    END_DATE("endDate", "endDate", true, c -> c.endDate, LocalDate::parse),
    BUDGET("budget", "budget", true, c -> c.budget == null ? null : c.budget.toPlainString(), BigDecimal::new),
    UPDATED_AT("updatedAt", "updatedAt", false, c -> c.updatedAt, Instant::parse),
    CREATED_AT("createdAt", "createdAt", false, c -> c.createdAt, Instant::parse);

    final String id;
    final String field;
    final boolean nullable;
    private final Function<Campaign, Object> value;
    private final Function<String, Object> parse;

    CampaignSort(String id, String field, boolean nullable, Function<Campaign, Object> value, Function<String, Object> parse) {
        this.id = id;
        this.field = field;
        this.nullable = nullable;
        this.value = value;
        this.parse = parse;
    }

    static CampaignSort parse(String id) {
        if (id == null || id.isBlank()) {
            return NAME;
        }
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                .orElseThrow(() -> Problems.validation("sort", "must be one of "
                        + Arrays.stream(values()).map(s -> s.id).collect(Collectors.joining(", "))));
    }

    /** The campaign's sort key as the cursor writes it; null when the campaign has none. */
    String valueOf(Campaign campaign) {
        Object v = value.apply(campaign);
        return v == null ? null : v.toString();
    }

    /** A cursor's sort key as the query binds it. */
    Object read(String text) {
        return parse.apply(text);
    }
}
