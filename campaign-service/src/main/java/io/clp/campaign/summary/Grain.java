package io.clp.campaign.summary;

import io.clp.platform.problem.Problems;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The periods summaries are kept for: days, weeks (Monday to Sunday) and calendar months. */
public enum Grain {
    DAY, WEEK, MONTH;

    private static final Grain[] GRAINS = values();

    private final String id = name().toLowerCase(Locale.ROOT);

    public String id() {
        return id;
    }

    /** The first day of the period that holds {@code date}. */
    public LocalDate start(LocalDate date) {
        return switch (this) {
            case DAY -> date;
            case WEEK -> date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> date.withDayOfMonth(1);
        };
    }

    /** The last day of the period that starts on {@code start}. */
    public LocalDate end(LocalDate start) {
        return switch (this) {
            case DAY -> start;
            case WEEK -> start.plusDays(6);
            case MONTH -> start.with(TemporalAdjusters.lastDayOfMonth());
        };
    }

    /** The period before the one that starts on {@code start}. */
    public LocalDate previous(LocalDate start) {
        return switch (this) {
            case DAY -> start.minusDays(1);
            case WEEK -> start.minusWeeks(1);
            case MONTH -> start.minusMonths(1);
        };
    }

    /** The grain a request names by its id ({@code day}, {@code week} or {@code month}); a day when it names none. */
    public static Grain parse(String value, String field) {
        if (value == null || value.isBlank()) {
            return DAY;
        }
        return byId(value).orElseThrow(() -> Problems.validation(field, "must be one of "
                + Arrays.stream(values()).map(Grain::id).collect(Collectors.joining(", "))));
    }

    /** The grain whose id {@code value} is, around blanks; empty when it names none. */
    public static Optional<Grain> byId(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String id = value.strip();
        for (Grain grain : GRAINS) {
            if (grain.id.equals(id)) {
                return Optional.of(grain);
            }
        }
        return Optional.empty();
    }
}
