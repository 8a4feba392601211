package io.clp.campaign.summary;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * The summaries' and series' amounts and KPIs as the API writes them: exact decimals to 6 fractional digits, half-up
 * (away from zero), as plain text ({@code BigDecimal.toPlainString} at scale 6). A 90-day series computes six KPIs a
 * day; through {@code BigDecimal} each one built a quotient, then its text through an intermediate builder, which
 * made the KPIs the larger part of the series' garbage. Here a quotient whose operands fit a {@code long} is an integer
 * division of their unscaled values, rounded by its remainder, and its text is written in one go; any other (more than
 * 18 digits, a negative scale or one beyond 12, or a step that would overflow) is left to {@code BigDecimal}, so every
 * result is the same either way (MicrosTest holds the two to each other).
 */
final class Micros {

    private static final int SCALE = 6;
    private static final int MAX_SCALE = 12;
    private static final int MAX_PRECISION = 18;
    private static final long ONE = 1_000_000L;
    private static final long[] POWERS = new long[MAX_PRECISION + 1];

    static {
        POWERS[0] = 1;
        for (int i = 1; i < POWERS.length; i++) {
            POWERS[i] = POWERS[i - 1] * 10;
        }
    }

    private Micros() {
    }

    /** num / den, half-up to 6 fractional digits, exactly; null when den is zero (as clp_metric_ratio). */
    static String ratio(BigDecimal num, BigDecimal den) {
        if (den.signum() == 0) {
            return null;
        }
        if (fits(num) && fits(den)) {
            String quick = ratio(num.unscaledValue().longValue(), num.scale(), den.unscaledValue().longValue(), den.scale());
            if (quick != null) {
                return quick;
            }
        }
        return num.divide(den, SCALE, RoundingMode.HALF_UP).toPlainString();
    }

    /** num / den for counts, as {@link #ratio(BigDecimal, BigDecimal)}. */
    static String ratio(long num, long den) {
        if (den == 0) {
            return null;
        }
        String quick = ratio(num, 0, den, 0);
        return quick != null ? quick : ratio(BigDecimal.valueOf(num), BigDecimal.valueOf(den));
    }

    /** An amount of at most 6 fractional digits, written with all 6 ({@code setScale(6)}); more digits are an error. */
    static String amount(BigDecimal value) {
        if (fits(value) && value.scale() <= SCALE) {
            long unscaled = value.unscaledValue().longValue();
            int up = SCALE - value.scale();
            if (Math.abs(unscaled) < Long.MAX_VALUE / POWERS[up]) {
                return text(unscaled * POWERS[up]);
            }
        }
        return value.setScale(SCALE, RoundingMode.UNNECESSARY).toPlainString();
    }

    private static boolean fits(BigDecimal value) {
        return value.scale() >= 0 && value.scale() <= MAX_SCALE && value.precision() <= MAX_PRECISION;
    }

    /**
     * (num × 10^-numScale) / (den × 10^-denScale) to 6 digits from the unscaled values, den not zero; null when a step
     * would leave a {@code long}.
     */
    private static String ratio(long num, int numScale, long den, int denScale) {
        int shift = SCALE - numScale + denScale;
        long n = num;
        long d = den;
        try {
            if (shift >= 0) {
                n = Math.multiplyExact(num, POWERS[shift]);
            } else {
                d = Math.multiplyExact(den, POWERS[-shift]);
            }
        } catch (ArithmeticException overflow) {
            return null;
        }
        if (n == Long.MIN_VALUE || d == Long.MIN_VALUE || d == 0) {
            return null;
        }
        long q = n / d;
        long r = Math.abs(n % d);
        if (r != 0 && r >= Math.abs(d) - r) {
            q += (n < 0) == (d < 0) ? 1 : -1;
        }
        return text(q);
    }

    /** The text of micros: sign, integral digits, a point and six fractional digits ("0.000000" for zero). */
    static String text(long micros) {
        if (micros == Long.MIN_VALUE) {
            return BigDecimal.valueOf(micros, SCALE).toPlainString();
        }
        long whole = Math.abs(micros) / ONE;
        int fraction = (int) (Math.abs(micros) % ONE);
        int wholeDigits = 1;
        for (long w = whole; w >= 10; w /= 10) {
            wholeDigits++;
        }
        int sign = micros < 0 ? 1 : 0;
        byte[] out = new byte[sign + wholeDigits + 1 + SCALE];
        if (sign == 1) {
            out[0] = '-';
        }
        for (int i = sign + wholeDigits - 1; i >= sign; i--) {
            out[i] = (byte) ('0' + whole % 10);
            whole /= 10;
        }
        int point = sign + wholeDigits;
        out[point] = '.';
        for (int i = point + SCALE; i > point; i--) {
            out[i] = (byte) ('0' + fraction % 10);
            fraction /= 10;
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }
}
