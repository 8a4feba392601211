package io.clp.campaign.hierarchy;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;
import java.util.UUID;

/**
 * A campaign's totals over one week or month, with their KPIs (V17): what the campaign list shows, filters and sorts
 * by when it is asked for a period. Kept by the database from campaign_metrics; read-only here.
 */
@Entity(name = "CampaignPeriodMetrics")
@Table(name = "campaign_period_metrics")
@IdClass(PeriodMetrics.Key.class)
@Immutable
public class PeriodMetrics extends PanacheEntityBase {

    @Id
    @Column(name = "campaign_id")
    public UUID campaignId;

    @Id
    public String grain;

    @Id
    @Column(name = "period_start")
    public LocalDate periodStart;

    @Column(name = "org_id")
    public UUID orgId;

    @Column(name = "client_id")
    public UUID clientId;

    @Column(columnDefinition = "char(3)")
    public String currency;

    public int days;
    public long impressions;
    public long clicks;
    public long conversions;
    public long views;
    public BigDecimal spend;
    public BigDecimal revenue;

    @Column(name = "billed_spend")
    public BigDecimal billedSpend;

    public BigDecimal ctr;
    public BigDecimal cpc;
    public BigDecimal cpm;
    public BigDecimal cpa;
    public BigDecimal cvr;
    public BigDecimal roas;

    /** The composite primary key. */
    public static class Key implements Serializable {
        public UUID campaignId;
        public String grain;
        public LocalDate periodStart;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(campaignId, k.campaignId) && Objects.equals(grain, k.grain)
                    && Objects.equals(periodStart, k.periodStart);
        }

        @Override
        public int hashCode() {
            return Objects.hash(campaignId, grain, periodStart);
        }
    }
}
