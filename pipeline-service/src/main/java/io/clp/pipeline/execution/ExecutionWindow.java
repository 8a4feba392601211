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
}
