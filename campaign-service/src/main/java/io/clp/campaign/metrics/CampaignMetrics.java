package io.clp.campaign.metrics;

import io.clp.campaign.query.OrganizationCampaigns;
import io.clp.platform.problem.Problems;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.work.OrganizationWork;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Reading a campaign's recorded metrics. Needs {@code metrics:read} in the organization or a view grant on the
 * campaign; runs as an {@link OrganizationWork} on the campaign, so another organization's campaign is a 404.
 */
@ApplicationScoped
public class CampaignMetrics {

    /** The most day rows one answer holds; a wider request is refused (narrow the range or take a higher level). */
    static final int MAX_ROWS = 10_000;

    private static final String DAYS = """
            SELECT entity_level, entity_id, metric_date::text, impressions, clicks, conversions, views, spend::text, currency,
                   revenue::text, ctr::text, cpc::text, cpm::text, cpa::text, cvr::text, roas::text, data_quality_score::text,
                   has_data_issues, billed_cpm::text, billed_spend::text
            FROM campaign_metrics
            WHERE org_id = ?1 AND campaign_id = ?2 AND entity_level = ?3 AND metric_date BETWEEN ?4 AND ?5
            ORDER BY metric_date, entity_id
            LIMIT ?6
            """;
    private static final String TOTALS = """
            SELECT currency, i, c, v, w, s::numeric(30, 6)::text, r::numeric(30, 6)::text,
                   clp_metric_ratio(c, i, 6)::text, clp_metric_ratio(s, c, 6)::text, clp_metric_ratio(s * 1000, i, 6)::text,
                   clp_metric_ratio(s, v, 6)::text, clp_metric_ratio(v, c, 6)::text, clp_metric_ratio(r, s, 6)::text
            FROM (SELECT currency, sum(impressions) AS i, sum(clicks) AS c, sum(conversions) AS v, sum(views) AS w,
                         sum(spend) AS s, sum(revenue) AS r
                  FROM campaign_metrics
                  WHERE org_id = ?1 AND campaign_id = ?2 AND entity_level = ?3 AND metric_date BETWEEN ?4 AND ?5
                  GROUP BY currency) t
            ORDER BY currency
            """;

    private static final String BILLING = """
            SELECT m.client_id, c.currency, sum(m.billed_spend)::numeric(30, 7)::text, count(*) FILTER (WHERE m.billed_spend IS NULL)
            FROM campaign_metrics m JOIN clients c ON c.id = m.client_id
            WHERE m.org_id = ?1 AND m.campaign_id = ?2 AND m.entity_level = ?3 AND m.metric_date BETWEEN ?4 AND ?5
            GROUP BY m.client_id, c.currency
            ORDER BY m.client_id
            """;

    private final OrganizationWork work;

    CampaignMetrics(OrganizationWork work) {
        this.work = work;
    }

    public Uni<CampaignMetricsView> daily(UUID orgId, UUID campaignId, String from, String to, String level) {
        MetricsQuery query = MetricsQuery.of(from, to, level, LocalDate.now(ZoneOffset.UTC));
        return work.onEntity(orgId, Permission.METRICS_READ, "campaign", campaignId, () -> OrganizationCampaigns.find(orgId, campaignId),
                id -> read(orgId, campaignId, query));
    }

    private static Uni<CampaignMetricsView> read(UUID orgId, UUID campaignId, MetricsQuery q) {
        return Panache.getSession().chain(session -> session.createNativeQuery(DAYS, Object[].class)
                .setParameter(1, orgId).setParameter(2, campaignId).setParameter(3, q.level())
                .setParameter(4, q.from()).setParameter(5, q.to()).setParameter(6, MAX_ROWS + 1)
                .getResultList()
                .chain(days -> {
                    if (days.size() > MAX_ROWS) {
                        throw Problems.validation("from", "the range holds more than " + MAX_ROWS + " rows at level " + q.level()
                                + "; narrow it");
                    }
                    return session.createNativeQuery(TOTALS, Object[].class)
                            .setParameter(1, orgId).setParameter(2, campaignId).setParameter(3, q.level())
                            .setParameter(4, q.from()).setParameter(5, q.to())
                            .getResultList()
                            .chain(totals -> session.createNativeQuery(BILLING, Object[].class)
                                    .setParameter(1, orgId).setParameter(2, campaignId).setParameter(3, q.level())
                                    .setParameter(4, q.from()).setParameter(5, q.to())
                                    .getResultList()
                                    .map(billing -> new CampaignMetricsView(campaignId, q.level(), q.from().toString(), q.to().toString(),
                                            days.stream().map(CampaignMetrics::day).toList(),
                                            totals.stream().map(CampaignMetrics::total).toList(),
                                            billing.stream().map(b -> new CampaignMetricsView.Billing((UUID) b[0], text(b[1]),
                                                    (String) b[2], number(b[3]))).toList())));
                }));
    }

    private static CampaignMetricsView.Day day(Object[] r) {
        return new CampaignMetricsView.Day((String) r[0], (UUID) r[1], (String) r[2], number(r[3]), number(r[4]), number(r[5]),
                number(r[6]), (String) r[7], text(r[8]), (String) r[9], (String) r[10], (String) r[11], (String) r[12],
                (String) r[13], (String) r[14], (String) r[15], (String) r[16], Boolean.TRUE.equals(r[17]), (String) r[18],
                (String) r[19]);
    }

    private static CampaignMetricsView.Total total(Object[] r) {
        return new CampaignMetricsView.Total(text(r[0]), number(r[1]), number(r[2]), number(r[3]), number(r[4]), (String) r[5],
                (String) r[6], (String) r[7], (String) r[8], (String) r[9], (String) r[10], (String) r[11], (String) r[12]);
    }

    /** A count or a sum of counts (numeric in SQL): exactly, or an error, never a wrapped value. */
    private static long number(Object value) {
        if (value instanceof java.math.BigDecimal d) {
            return d.longValueExact();
        }
        if (value instanceof java.math.BigInteger i) {
            return i.longValueExact();
        }
        return ((Number) value).longValue();
    }

    /** char(3) may come back as a String or a Character array, by driver. */
    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
