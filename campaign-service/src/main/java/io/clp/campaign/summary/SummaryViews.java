package io.clp.campaign.summary;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.UUID;

/**
 * What the summaries API answers. Counts are numbers; amounts, KPIs and changes exact decimal strings (6 fractional
 * digits; billed spend 7); a KPI or change whose denominator is zero is null. KPIs are computed from the totals.
 */
public final class SummaryViews {

    private SummaryViews() {
    }

    public record Summary(String grain, String from, String to, List<Period> periods) {
    }

    public record Period(String periodStart, String periodEnd, List<Group> groups) {
    }

    /**
     * One group of a period: a client (when grouped by client; null for campaigns no client holds), a DSP (when
     * grouped by DSP), and the media currency. {@code previous} and {@code change} only with {@code compare=previous}.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Group(UUID clientId, String clientName, String dspType, String currency, Totals totals, Totals previous,
                        Change change) {
    }

    /** {@code billed}: the billed (CPM-adjusted) spend per client currency. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Totals(long campaigns, long impressions, long clicks, long conversions, long views, Micros spend, Micros revenue,
                         Micros ctr, Micros cpc, Micros cpm, Micros cpa, Micros cvr, Micros roas, List<Billed> billed) {
    }

    public record Billed(String currency, String billedSpend) {
    }

    /** (this period - the previous) / the previous, for each total. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Change(Micros impressions, Micros clicks, Micros conversions, Micros spend, Micros revenue) {
    }

    /** One entity's series: a period per point, each a group per currency (with the previous period on request). */
    public record Series(UUID campaignId, String level, UUID entityId, String grain, String from, String to, List<Period> periods) {
    }

    public record Top(String grain, String periodStart, String periodEnd, String entity, String by, List<TopItem> items) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TopItem(int rank, UUID id, String name, String currency, String spend, long conversions, String revenue, String roas) {
    }
}
