package io.clp.dsp;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One day of one entity from a daily performance report. {@code date} is the account's day (its time zone).
 * Money is in the account currency; {@code conversions} may be fractional (Google Ads attribution).
 */
public record ReportRow(
        LocalDate date,
        EntityLevel level,
        String externalId,
        long impressions,
        long clicks,
        BigDecimal conversions,
        long views,
        Money spend,
        Money revenue) {
}
