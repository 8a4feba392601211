package io.clp.campaign.pacing;

import io.clp.campaign.query.ColumnValues;
import io.clp.campaign.query.OrganizationCampaigns;
import io.clp.campaign.query.QueryDates;
import io.clp.campaign.query.QueryEntity;
import io.clp.platform.problem.Problems;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.work.OrganizationWork;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Reading pacing snapshots: a campaign's current pacing (the latest snapshot of it, its insertion orders and line
 * items) and one entity's history. Access as the campaign's metrics: {@code metrics:read} or a view grant on the
 * campaign; another organization's campaign is a 404.
 */
@ApplicationScoped
public class Pacing {

    /** The most snapshots a history answers; a longer one is refused (narrow the range). */
    static final int MAX_HISTORY = 5_000;
    /** How far back the current pacing looks for an entity's latest snapshot. */
    static final int CURRENT_WITHIN_DAYS = 35;

    private static final String COLUMNS = """
            entity_level, entity_id, snapshot_at, as_of::text, unit, currency, budget_type, flight_start::text, flight_end::text,
            booked_amount::text, delivered_amount::text, flight_days, days_elapsed, days_remaining, pacing_rate::text,
            projected_amount::text, billed_amount::text, billed_currency, margin::text, margin_percent::text, trigger
            """;
    private static final String CURRENT = """
            SELECT DISTINCT ON (entity_level, entity_id) %s
            FROM pacing_snapshots
            WHERE org_id = ?1 AND campaign_id = ?2 AND snapshot_at > ?3
            ORDER BY entity_level, entity_id, snapshot_at DESC
            """.formatted(COLUMNS);
    private static final String HISTORY = """
            SELECT %s
            FROM pacing_snapshots
            WHERE org_id = ?1 AND campaign_id = ?2 AND entity_level = ?3 AND entity_id = ?4 AND snapshot_at >= ?5 AND snapshot_at < ?6
            ORDER BY snapshot_at
            LIMIT ?7
            """.formatted(COLUMNS);

    private final OrganizationWork work;

    Pacing(OrganizationWork work) {
        this.work = work;
    }

    public Uni<PacingViews.Current> current(UUID orgId, UUID campaignId) {
        OffsetDateTime since = OffsetDateTime.now(java.time.ZoneOffset.UTC).minusDays(CURRENT_WITHIN_DAYS).truncatedTo(ChronoUnit.MICROS);
        return work.onEntity(orgId, Permission.METRICS_READ, "campaign", campaignId, () -> OrganizationCampaigns.find(orgId, campaignId),
                found -> Panache.getSession().chain(s -> s.createNativeQuery(CURRENT, Object[].class).setParameter(1, orgId)
                        .setParameter(2, campaignId).setParameter(3, since).getResultList()))
                .map(rows -> new PacingViews.Current(campaignId, rows.stream().map(Pacing::view).toList()));
    }

    public Uni<PacingViews.History> history(UUID orgId, UUID campaignId, String level, String entityId, String from, String to) {
        QueryEntity named = QueryEntity.parse(level, entityId, campaignId, List.of("campaign", "insertion_order", "line_item"),
                "must be campaign, insertion_order or line_item");
        String lvl = named.level();
        UUID entity = named.id();
        LocalDate start = QueryDates.date(from, "from");
        LocalDate end = QueryDates.date(to, "to");
        if (end.isBefore(start)) {
            throw Problems.validation("from", "must not be after to");
        }
        if (ChronoUnit.DAYS.between(start, end) >= 400) {
            throw Problems.validation("to", "the range covers at most 400 days");
        }
        OffsetDateTime since = start.atStartOfDay().atOffset(java.time.ZoneOffset.UTC);
        OffsetDateTime until = end.plusDays(1).atStartOfDay().atOffset(java.time.ZoneOffset.UTC);
        return work.onEntity(orgId, Permission.METRICS_READ, "campaign", campaignId, () -> OrganizationCampaigns.find(orgId, campaignId),
                        found -> Panache.getSession().chain(s -> s.createNativeQuery(HISTORY, Object[].class).setParameter(1, orgId)
                                .setParameter(2, campaignId).setParameter(3, lvl).setParameter(4, entity).setParameter(5, since)
                                .setParameter(6, until).setParameter(7, MAX_HISTORY + 1).getResultList()))
                .map(rows -> {
                    if (rows.size() > MAX_HISTORY) {
                        throw Problems.validation("from", "the range holds more than " + MAX_HISTORY + " snapshots; narrow it");
                    }
                    return new PacingViews.History(campaignId, lvl, entity, rows.stream().map(Pacing::view).toList());
                });
    }

    private static PacingViews.Snapshot view(Object[] r) {
        return new PacingViews.Snapshot((String) r[0], (UUID) r[1], ColumnValues.instant(r[2]), (String) r[3], (String) r[4], text(r[5]),
                (String) r[6], (String) r[7], (String) r[8], (String) r[9], (String) r[10], ((Number) r[11]).intValue(),
                ((Number) r[12]).intValue(), ((Number) r[13]).intValue(), (String) r[14], (String) r[15], (String) r[16],
                text(r[17]), (String) r[18], (String) r[19], (String) r[20]);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
