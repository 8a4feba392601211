package io.clp.campaign.hierarchy;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An amount of money as the API shows it: a decimal string (never a binary float, which cannot hold most
 * cents exactly) with at least two decimals and no more than the six the database keeps, and its currency.
 */
public record Budget(String amount, String currency) {

    static Budget of(BigDecimal amount, String currency) {
        if (amount == null) {
            return null;
        }
        BigDecimal plain = amount.stripTrailingZeros();
        int scale = Math.min(6, Math.max(2, plain.scale()));
        return new Budget(plain.setScale(scale, RoundingMode.UNNECESSARY).toPlainString(), currency);
    }
}
