package io.clp.dsp;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Objects;

/**
 * An amount in a currency. DSPs send money as micros (Google), minor units (Meta) or decimal strings (TTD, Amazon);
 * connectors convert once, at the edge, with these factories, and nothing past the connector sees a raw unit.
 */
public record Money(BigDecimal amount, Currency currency) {

    public Money {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
    }

    /** Google's int64 micros (also sent as a decimal string): 1_500_000 is 1.5 units. */
    public static Money ofMicros(String micros, Currency currency) {
        return new Money(plain(new BigDecimal(micros).movePointLeft(6)), currency);
    }

    /** An amount in the currency's smallest unit, scaled by {@code offset} (Meta: 100 for USD, 1 for JPY). */
    public static Money ofMinorUnits(String minorUnits, int offset, Currency currency) {
        return new Money(plain(new BigDecimal(minorUnits).divide(BigDecimal.valueOf(offset))), currency);
    }

    /** A decimal amount in major units ("12.34"). */
    public static Money ofDecimal(String decimal, Currency currency) {
        return new Money(plain(new BigDecimal(decimal)), currency);
    }

    /** Without trailing zeros, never in exponent form: 1.500000 is 1.5, 1E+1 is 10. */
    private static BigDecimal plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0, RoundingMode.UNNECESSARY) : stripped;
    }

    @Override
    public String toString() {
        return amount.toPlainString() + " " + currency.getCurrencyCode();
    }
}
