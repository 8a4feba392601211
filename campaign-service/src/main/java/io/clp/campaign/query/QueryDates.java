package io.clp.campaign.query;

import io.clp.platform.problem.Problems;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** A day named by a query parameter: {@code YYYY-MM-DD}, 2000-01-01 to 9999-12-31, else a 400 naming the parameter. */
public final class QueryDates {

    private static final LocalDate FIRST = LocalDate.of(2000, 1, 1);
    private static final LocalDate LAST = LocalDate.of(9999, 12, 31);

    private QueryDates() {
    }

    public static LocalDate date(String value, String field) {
        if (value == null || value.isBlank()) {
            throw Problems.validation(field, "is required (YYYY-MM-DD)");
        }
        LocalDate d;
        try {
            d = LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw Problems.validation(field, "must be a date, YYYY-MM-DD");
        }
        if (d.isBefore(FIRST) || d.isAfter(LAST)) {
            throw Problems.validation(field, "must be between 2000-01-01 and 9999-12-31");
        }
        return d;
    }
}
