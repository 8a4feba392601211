package io.clp.campaign.hierarchy;

import java.util.Arrays;
import java.util.Optional;

/**
 * One KPI condition of a campaign list, written {@code kpi:op:value} (e.g. {@code roas:gte:2.5}): the campaigns whose
 * KPI over the period compares so with the value. A KPI that is undefined (a zero denominator) matches no condition.
 */
record KpiFilter(CampaignSort kpi, Op op, Object value) {

    enum Op {
        GT(">"), GTE(">="), LT("<"), LTE("<="), EQ("=");

        final String sql;

        Op(String sql) {
            this.sql = sql;
        }

        static Optional<Op> parse(String text) {
            return Arrays.stream(values()).filter(o -> o.name().equalsIgnoreCase(text)).findFirst();
        }
    }

    /** The filter, or empty when the text is not one (the caller names the parameter in its 400). */
    static Optional<KpiFilter> parse(String text) {
        String[] parts = text.strip().split(":", 3);
        if (parts.length != 3) {
            return Optional.empty();
        }
        Optional<CampaignSort> kpi = Arrays.stream(CampaignSort.values()).filter(s -> s.kpi() && s.id.equals(parts[0])).findFirst();
        Optional<Op> op = Op.parse(parts[1]);
        if (kpi.isEmpty() || op.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new KpiFilter(kpi.get(), op.get(), kpi.get().read(parts[2].strip())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
