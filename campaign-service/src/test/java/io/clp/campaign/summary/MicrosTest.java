package io.clp.campaign.summary;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The KPIs' and amounts' text without BigDecimal arithmetic is BigDecimal's, digit for digit, for any operands. */
class MicrosTest {

    private static String text(Micros value) {
        return value == null ? null : value.toString();
    }

    /** The value as the series' writer writes it: its digits straight into the generator's buffer. */
    private static String json(Micros value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator json = new JsonFactory().createGenerator(bytes, JsonEncoding.UTF8)) {
            value.write(json, new byte[Micros.MAX_LENGTH]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String reference(BigDecimal num, BigDecimal den) {
        return den.signum() == 0 ? null : num.divide(den, 6, RoundingMode.HALF_UP).toPlainString();
    }

    @Test
    void ratiosAreBigDecimalsHalfUpToSixDigitsForRandomOperandsOfEveryScaleAndSign() {
        Random random = new Random(20261205L);
        for (int i = 0; i < 200_000; i++) {
            BigDecimal num = operand(random);
            BigDecimal den = operand(random);
            assertThat(text(Micros.ratio(num, den))).as("%s / %s", num.toPlainString(), den.toPlainString()).isEqualTo(reference(num, den));
        }
    }

    @Test
    void countsAndTiesAtTheSeventhDigitRoundAwayFromZero() {
        assertThat(text(Micros.ratio(1, 3))).isEqualTo("0.333333");
        assertThat(text(Micros.ratio(2, 3))).isEqualTo("0.666667");
        assertThat(text(Micros.ratio(1, 2_000_000))).isEqualTo("0.000001");       // 0.0000005: a tie, away from zero
        assertThat(text(Micros.ratio(-1, 2_000_000))).isEqualTo("-0.000001");
        assertThat(text(Micros.ratio(1, 2_000_001))).isEqualTo("0.000000");       // just under the tie
        assertThat(text(Micros.ratio(-1, 3_000_000))).isEqualTo("0.000000");      // no negative zero, as BigDecimal
        assertThat(text(Micros.ratio(7, 0))).isNull();
        assertThat(text(Micros.ratio(BigDecimal.ONE, new BigDecimal("0.000")))).isNull();
        Random random = new Random(7L);
        for (int i = 0; i < 100_000; i++) {
            long num = random.nextLong() >> random.nextInt(63);
            long den = random.nextLong() >> random.nextInt(63);
            assertThat(text(Micros.ratio(num, den))).as("%d / %d", num, den)
                    .isEqualTo(reference(BigDecimal.valueOf(num), BigDecimal.valueOf(den)));
        }
        for (long num : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, 0}) {
            for (long den : new long[] {1, -1, 3, Long.MAX_VALUE, Long.MIN_VALUE}) {
                assertThat(text(Micros.ratio(num, den))).as("%d / %d", num, den)
                        .isEqualTo(reference(BigDecimal.valueOf(num), BigDecimal.valueOf(den)));
            }
        }
    }

    @Test
    void amountsAreWrittenWithSixDigitsAndMoreDigitsAreRefused() {
        Random random = new Random(11L);
        for (int i = 0; i < 100_000; i++) {
            BigDecimal value = new BigDecimal(new BigInteger(1 + random.nextInt(80), random).multiply(BigInteger.valueOf(
                    random.nextBoolean() ? 1 : -1)), random.nextInt(7) - (i % 10 == 0 ? 3 : 0));
            assertThat(text(Micros.amount(value))).as(value.toPlainString())
                    .isEqualTo(value.setScale(6, RoundingMode.UNNECESSARY).toPlainString());
        }
        assertThat(text(Micros.amount(new BigDecimal("0.000000")))).isEqualTo("0.000000");
        assertThat(text(Micros.amount(new BigDecimal("-0.5")))).isEqualTo("-0.500000");
        assertThat(text(Micros.amount(new BigDecimal("1.50000000")))).isEqualTo("1.500000");   // more digits, all zeros
        assertThat(text(Micros.amount(new BigDecimal("12E+3")))).isEqualTo("12000.000000");
        assertThat(text(Micros.amount(new BigDecimal("9223372036854.775807")))).isEqualTo("9223372036854.775807");
        assertThatThrownBy(() -> Micros.amount(new BigDecimal("1.0000001"))).isInstanceOf(ArithmeticException.class);
        // beyond a long's micros: kept as BigDecimal's text, and written as it
        Micros big = Micros.amount(new BigDecimal("-123456789012345678901.5"));
        assertThat(json(big)).isEqualTo("\"-123456789012345678901.500000\"");
        assertThat(big.decimal()).isEqualTo(new BigDecimal("-123456789012345678901.500000"));
    }

    @Test
    void microsAreWrittenAsPlainDecimals() {
        Random random = new Random(3L);
        LongStream.concat(LongStream.of(0, 1, -1, 9, 10, 99, 100, 999_999, -999_999, 1_000_000, -1_000_000, 9_999_999,
                        10_000_000, 99_999_999, 100_000_000, 123_456_789, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1),
                LongStream.generate(() -> random.nextLong() >> random.nextInt(64)).limit(100_000)).forEach(micros -> {
            String expected = BigDecimal.valueOf(micros, 6).toPlainString();
            assertThat(Micros.of(micros)).hasToString(expected);
            assertThat(json(Micros.of(micros))).isEqualTo('"' + expected + '"');
            assertThat(Micros.of(micros).decimal()).isEqualTo(BigDecimal.valueOf(micros, 6));
        });
    }

    @Test
    void aValueIsEqualToItselfWhetherKeptAsMillionthsOrAsText() {
        Micros millionths = Micros.of(1_000_000);
        Micros text = Micros.ratio(new BigDecimal("1000000000000000000000"), new BigDecimal("1000000000000000000000"));
        assertThat(text).hasToString("1.000000").isEqualTo(millionths).hasSameHashCodeAs(millionths);
        assertThat(millionths).isEqualTo(text).isEqualTo(Micros.amount(new BigDecimal("1.0")))
                .isNotEqualTo(Micros.of(999_999)).isNotEqualTo("1.000000");
        assertThat(Micros.ratio(new BigDecimal("1000000000000000000000"), new BigDecimal("-1000000000000000000000")))
                .isEqualTo(Micros.of(-1_000_000)).isNotEqualTo(text);
    }

    /** A decimal of up to 24 digits (beyond a long's now and then), scale -4 to 14, either sign, zero among them. */
    private static BigDecimal operand(Random random) {
        BigInteger unscaled = switch (random.nextInt(5)) {
            case 0 -> BigInteger.valueOf(random.nextInt(4));
            case 1 -> BigInteger.valueOf(random.nextInt(1_000_000));
            case 2 -> BigInteger.valueOf(random.nextLong() >> random.nextInt(63));
            case 3 -> new BigInteger(1 + random.nextInt(80), random);
            default -> BigInteger.valueOf(2L * (1 + random.nextInt(1_000)));
        };
        return new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), random.nextInt(19) - 4);
    }
}
