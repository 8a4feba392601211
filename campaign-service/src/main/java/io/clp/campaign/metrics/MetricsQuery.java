package io.clp.campaign.metrics;

import io.clp.events.pipeline.MetricsBatch;
import io.clp.platform.problem.FieldError;
import io.clp.platform.problem.Problems;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The query string of a campaign's metrics, checked: {@code from} and {@code to} (ISO dates, both included, at most
 * {@value #MAX_DAYS} days, from 2000-01-01 to 9999-12-31; by default the 30 days to today in UTC) and the entity
 * {@code level} (default campaign).
 */
record MetricsQuery(LocalDate from, LocalDate to, String level) {

    static final int MAX_DAYS = 400;
    static final LocalDate LATEST = LocalDate.of(9999, 12, 31);

    static MetricsQuery of(String from, String to, String level, LocalDate today) {
        List<FieldError> errors = new ArrayList<>();
        LocalDate end = date("to", to, today, errors);
        LocalDate start = date("from", from, end == null ? null : end.minusDays(29), errors);
        String lvl = level == null || level.isBlank() ? "campaign" : level;
        if (!MetricsBatch.LEVELS.contains(lvl)) {
            errors.add(new FieldError("level", "must be one of " + String.join(", ", MetricsBatch.LEVELS)));
        }
        if (start != null && end != null) {
            if (start.isAfter(end)) {
                errors.add(new FieldError("from", "must not be after to"));
            } else if (ChronoUnit.DAYS.between(start, end) + 1 > MAX_DAYS) {
                errors.add(new FieldError("to", "the range may span at most " + MAX_DAYS + " days"));
            }
        }
        if (!errors.isEmpty()) {
            throw Problems.validation(errors);
        }
        return new MetricsQuery(start, end, lvl);
    }

    private static LocalDate date(String field, String value, LocalDate otherwise, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        LocalDate date;
        try {
            date = LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "must be a date (YYYY-MM-DD)"));
            return null;
        }
        // no metric is older (MetricsBatchRules); a year past 9999 is no date a client means, and overflows the arithmetic
        if (date.isBefore(MetricsBatchRules.EARLIEST) || date.isAfter(LATEST)) {
            errors.add(new FieldError(field, "must be from " + MetricsBatchRules.EARLIEST + " to " + LATEST));
            return null;
        }
        return date;
    }
}
