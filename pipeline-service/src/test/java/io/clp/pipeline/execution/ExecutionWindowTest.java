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
}
