package io.clp.pipeline.execution;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The days an execution reads, inclusive, in the pipeline's time zone. A run on local date D reads the day before it
 * and the {@code lookbackDays} days before that, [D-1-lookback, D-1]: the day D itself is not over when it runs, and
 * re-reading the days before picks up late conversions and restatements.
 */
public record ExecutionWindow(LocalDate from, LocalDate to) {

    /** The window of a run on {@code runDate} (local). */
    public static ExecutionWindow before(LocalDate runDate, int lookbackDays) {
        LocalDate to = runDate.minusDays(1);
        return new ExecutionWindow(to.minusDays(lookbackDays), to);
    }

    /** The window of a run at {@code tick}, whose local date in {@code zone} is the run's date. */
    public static ExecutionWindow forTick(Instant tick, ZoneId zone, int lookbackDays) {
        return before(tick.atZone(zone).toLocalDate(), lookbackDays);
    }

    /** The longest window one scheduled execution reads; older missed days are a backfill's job. */
    public static final int MAX_SCHEDULED_DAYS = 366;

    /**
     * The window of one execution for the ticks from {@code oldest} to {@code latest} (both due, missed while no
     * scheduler ran): from the oldest tick's window start to the latest tick's window end, so no day between is left
     * unread, at most {@link #MAX_SCHEDULED_DAYS} days (the days before that are not read: backfill them).
     */
    public static ExecutionWindow forTicks(Instant oldest, Instant latest, ZoneId zone, int lookbackDays) {
        LocalDate to = forTick(latest, zone, lookbackDays).to();
        LocalDate from = forTick(oldest, zone, lookbackDays).from();
        LocalDate floor = to.minusDays(MAX_SCHEDULED_DAYS - 1);
        return new ExecutionWindow(from.isBefore(floor) ? floor : from, to);
    }
}
