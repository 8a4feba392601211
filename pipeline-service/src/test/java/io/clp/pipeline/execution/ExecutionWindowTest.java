package io.clp.pipeline.execution;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

class ExecutionWindowTest {

    @Test
    void aRunOnADayReadsTheDayBeforeAndItsLookBack() {
        assertThat(ExecutionWindow.before(LocalDate.parse("2026-03-01"), 2))
                .isEqualTo(new ExecutionWindow(LocalDate.parse("2026-02-26"), LocalDate.parse("2026-02-28")));
        assertThat(ExecutionWindow.before(LocalDate.parse("2026-03-01"), 0))
                .isEqualTo(new ExecutionWindow(LocalDate.parse("2026-02-28"), LocalDate.parse("2026-02-28")));
    }

    @Test
    void theRunsDateIsTheTicksLocalDateInThePipelinesZone() {
        // 01:00 UTC on the 2nd is still the 1st in New York and already the 2nd in Tokyo
        Instant tick = Instant.parse("2026-12-02T01:00:00Z");
        assertThat(ExecutionWindow.forTick(tick, ZoneId.of("America/New_York"), 1).to()).isEqualTo(LocalDate.parse("2026-11-30"));
        assertThat(ExecutionWindow.forTick(tick, ZoneId.of("Asia/Tokyo"), 1).to()).isEqualTo(LocalDate.parse("2026-12-01"));
    }

    @Test
    void missedTicksAreReadFromTheOldestTicksWindowStartToTheLatestTicksEnd() {
        // daily 06:00 UTC, lookback 2: due on day 10, the scheduler came back on day 14 at 12:00
        ExecutionWindow w = ExecutionWindow.forTicks(Instant.parse("2026-11-10T06:00:00Z"), Instant.parse("2026-11-14T06:00:00Z"),
                ZoneId.of("UTC"), 2);
        assertThat(w).isEqualTo(new ExecutionWindow(LocalDate.parse("2026-11-07"), LocalDate.parse("2026-11-13")));
    }

    @Test
    void aWindowOfMissedTicksIsAtMost366Days() {
        ExecutionWindow w = ExecutionWindow.forTicks(Instant.parse("2020-01-01T06:00:00Z"), Instant.parse("2026-11-14T06:00:00Z"),
                ZoneId.of("UTC"), 2);
        assertThat(w.to()).isEqualTo(LocalDate.parse("2026-11-13"));
        assertThat(java.time.temporal.ChronoUnit.DAYS.between(w.from(), w.to()) + 1).isEqualTo(ExecutionWindow.MAX_SCHEDULED_DAYS);
    }

    @Test
    void aTwentyTwoHundredRunInNewYorkReadsUpToTwoLocalDaysBeforeItsUtcDate() {
        // 2026-03-07 22:00 EST is 03:00 UTC on the 8th
        assertThat(ExecutionWindow.forTick(Instant.parse("2026-03-08T03:00:00Z"), ZoneId.of("America/New_York"), 1))
                .isEqualTo(new ExecutionWindow(LocalDate.parse("2026-03-05"), LocalDate.parse("2026-03-06")));
        assertThat(ExecutionWindow.forTick(Instant.parse("2026-03-09T02:00:00Z"), ZoneId.of("America/New_York"), 1))
                .isEqualTo(new ExecutionWindow(LocalDate.parse("2026-03-06"), LocalDate.parse("2026-03-07")));
    }
}
