package io.clp.campaign.summary;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonGenerator;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * An amount or KPI of the summaries and series as the API writes it: an exact decimal to 6 fractional digits, half-up
 * (away from zero), as plain text ({@code BigDecimal.toPlainString} at scale 6), in JSON a string.
 *
 * <p>A 90-day series computes eight such values a day. Through {@code BigDecimal} each one built a quotient, then its
 * text through an intermediate builder; then the text was copied into a {@code String}, and the JSON generator copied
 * it again, checking every character for escapes. Here a value whose operands fit a {@code long} is kept as its count
 * of millionths ({@code micros}): a quotient is an integer division of the operands' unscaled values, rounded by its
 * remainder, and its digits are written once, straight into the response ({@link #write}; they never need escaping).
 * Any other value (more than 18 digits, a negative scale or one beyond 12, or a step that would overflow) is left to
 * {@code BigDecimal} and kept as its text, so every result is the same either way (MicrosTest holds the two to each
 * other). {@link #toString} is the text wherever else the value is written (the object mapper, CSV).
 */
@Schema(type = SchemaType.STRING, description = "an exact decimal with 6 fractional digits", example = "1234.500000")
public final class Micros {

    private static final int SCALE = 6;
    private static final int MAX_SCALE = 12;
    private static final int MAX_PRECISION = 18;
    private static final long ONE = 1_000_000L;
    /** The longest text of a long's micros: a sign, 13 integral digits, the point and 6 fractional digits. */
    static final int MAX_LENGTH = 21;
    private static final long[] POWERS = new long[MAX_PRECISION + 1];

    static {
        POWERS[0] = 1;
        for (int i = 1; i < POWERS.length; i++) {
            POWERS[i] = POWERS[i - 1] * 10;
        }
    }

    /** The value in millionths, unless {@link #text} holds it. */
    private final long micros;
    /** The value's text when it is not kept in {@link #micros} (BigDecimal's); null otherwise. */
    private final String text;

    private Micros(long micros, String text) {
        this.micros = micros;
        this.text = text;
    }

    /** num / den, half-up to 6 fractional digits, exactly; null when den is zero (as clp_metric_ratio). */
    static Micros ratio(BigDecimal num, BigDecimal den) {
        if (den.signum() == 0) {
            return null;
        }
        if (fits(num) && fits(den)) {
            Micros quick = ratio(unscaled(num), num.scale(), unscaled(den), den.scale());
            if (quick != null) {
                return quick;
            }
        }
        return new Micros(0, num.divide(den, SCALE, RoundingMode.HALF_UP).toPlainString());
    }

    /** num / den for counts, as {@link #ratio(BigDecimal, BigDecimal)}. */
    static Micros ratio(long num, long den) {
        if (den == 0) {
            return null;
        }
        Micros quick = ratio(num, 0, den, 0);
        return quick != null ? quick : ratio(BigDecimal.valueOf(num), BigDecimal.valueOf(den));
    }

    /** An amount of at most 6 fractional digits, written with all 6 ({@code setScale(6)}); more digits are an error. */
    static Micros amount(BigDecimal value) {
        if (fits(value) && value.scale() <= SCALE) {
            long unscaled = unscaled(value);
            int up = SCALE - value.scale();
            if (Math.abs(unscaled) < Long.MAX_VALUE / POWERS[up]) {
                return of(unscaled * POWERS[up]);
            }
        }
        return new Micros(0, value.setScale(SCALE, RoundingMode.UNNECESSARY).toPlainString());
    }

    /** A value of millionths. */
    static Micros of(long micros) {
        return micros == Long.MIN_VALUE ? new Micros(0, BigDecimal.valueOf(micros, SCALE).toPlainString()) : new Micros(micros, null);
    }

    /** The value as a decimal of scale 6. */
    BigDecimal decimal() {
        return text != null ? new BigDecimal(text) : BigDecimal.valueOf(micros, SCALE);
    }

    /** Writes the value as a JSON string; {@code scratch} holds at least {@link #MAX_LENGTH} bytes, for the digits. */
    void write(JsonGenerator json, byte[] scratch) throws IOException {
        if (text != null) {
            json.writeString(text);
        } else {
            // digits, a sign and a point: nothing to escape
            json.writeRawUTF8String(scratch, 0, digits(micros, scratch));
        }
    }

    /** The value's text: sign, integral digits, a point and six fractional digits ("0.000000" for zero). */
    @JsonValue
    @Override
    public String toString() {
        if (text != null) {
            return text;
        }
        byte[] out = new byte[MAX_LENGTH];
        return new String(out, 0, digits(micros, out), StandardCharsets.ISO_8859_1);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Micros m && (text == null && m.text == null ? micros == m.micros : toString().equals(m.toString()));
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    private static boolean fits(BigDecimal value) {
        return value.scale() >= 0 && value.scale() <= MAX_SCALE && value.precision() <= MAX_PRECISION;
    }

    /**
     * The unscaled value of a decimal that {@link #fits}: its scale-0 twin's long, which such a decimal holds as it is
     * (a {@code BigDecimal} more, but no {@code BigInteger} and its array, which {@code unscaledValue()} would build).
     */
    private static long unscaled(BigDecimal value) {
        return value.scaleByPowerOfTen(value.scale()).longValue();
    }

    /**
     * (num × 10^-numScale) / (den × 10^-denScale) to 6 digits from the unscaled values, den not zero; null when a step
     * would leave a {@code long}.
     */
    private static Micros ratio(long num, int numScale, long den, int denScale) {
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
        return of(q);
    }

    /** Writes the text of micros (not {@code Long.MIN_VALUE}) at the start of {@code out}; returns its length. */
    private static int digits(long micros, byte[] out) {
        long abs = Math.abs(micros);
        long whole = abs / ONE;
        int fraction = (int) (abs - whole * ONE);
        int end = micros < 0 ? 1 : 0;
        if (end == 1) {
            out[0] = '-';
        }
        for (long w = whole; w >= 10; w /= 10) {
            end++;
        }
        // the integral digits from the last, two at a time while they last
        int i = end;
        while (whole >= 100) {
            long next = whole / 100;
            pair((int) (whole - next * 100), out, i - 1);
            i -= 2;
            whole = next;
        }
        if (whole >= 10) {
            pair((int) whole, out, i - 1);
        } else {
            out[i] = (byte) ('0' + whole);
        }
        out[end + 1] = '.';
        pair(fraction / 10_000, out, end + 2);
        pair(fraction / 100 % 100, out, end + 4);
        pair(fraction % 100, out, end + 6);
        return end + 8;
    }

    /** The two digits of 0-99 at {@code at} and after it. */
    private static void pair(int value, byte[] out, int at) {
        out[at] = (byte) ('0' + value / 10);
        out[at + 1] = (byte) ('0' + value % 10);
    }
}
