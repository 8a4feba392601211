package io.clp.campaign.summary;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

/** A date's text is {@code LocalDate.toString}'s, character for character. */
class IsoDatesTest {

    @Test
    void everyDayOfTheFourDigitYearsEdgesAndBeyondIsWrittenAsToStringWritesIt() {
        for (int year : new int[] {-1, 0, 1, 999, 1000, 1999, 2024, 2026, 2100, 9999, 10000, 123456}) {
            for (LocalDate d = LocalDate.of(year, 1, 1); d.getYear() == year; d = d.plusDays(1)) {
                assertThat(IsoDates.text(d)).isEqualTo(d.toString());
            }
        }
        assertThat(IsoDates.text(LocalDate.of(2026, 8, 1))).isEqualTo("2026-08-01");
        assertThat(IsoDates.text(LocalDate.MIN)).isEqualTo(LocalDate.MIN.toString());
        assertThat(IsoDates.text(LocalDate.MAX)).isEqualTo(LocalDate.MAX.toString());
    }
}
