package io.clp.campaign.summary;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/**
 * A date's ISO text ({@code 2026-08-01}), as {@link LocalDate#toString} writes it, in one go: a 90-day series writes a
 * start and an end for each of its periods, and {@code toString} builds each through a {@code StringBuilder}. A year
 * outside 1000-9999 (which ISO writes with a sign or more digits) is left to {@code toString}.
 */
final class IsoDates {

    private IsoDates() {
    }

    static String text(LocalDate date) {
        int year = date.getYear();
        if (year < 1000 || year > 9999) {
            return date.toString();
        }
        int month = date.getMonthValue();
        int day = date.getDayOfMonth();
        byte[] out = {digit(year / 1000), digit(year / 100), digit(year / 10), digit(year), '-', digit(month / 10), digit(month), '-',
                digit(day / 10), digit(day)};
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /** The last decimal digit of a non-negative number. */
    private static byte digit(int value) {
        return (byte) ('0' + value % 10);
    }
}
