package io.clp.campaign.hierarchy;

import io.clp.platform.pagination.PageRequest;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The queries on the campaign hierarchy. Must run in a transaction that may see the organization's rows;
 * each query names the organization too, so a row of another one is never returned even if row-level
 * security were off.
 */
@ApplicationScoped
public class HierarchyRepository {

    private static final String NOT_REMOVED = " and e.removedAt is null";

    /**
     * One page of campaigns ({@code limit + 1} rows, see {@code Page.of}), keyset on (sort key, id): the
     * page after a cursor starts strictly after the cursor's (key, id), so ties on the key are neither
     * skipped nor repeated. Null keys sort last in both directions. With a period, the list holds the campaigns
     * with metrics in it, each with its totals ({@link PeriodMetrics}); a page sorted by a KPI is a range of that
     * KPI's index (V17), the campaigns whose KPI is undefined following those whose KPI is not.
     */
    Uni<List<ListedCampaign>> campaigns(UUID orgId, CampaignQuery q) {
        if (q.period().isEmpty()) {
            StringBuilder where = new StringBuilder("from HierarchyCampaign e where e.orgId = :org");
            Parameters params = Parameters.with("org", orgId);
            filters(where, params, q);
            keysetOnCampaign(where, params, q);
            PanacheQuery<Campaign> query = Campaign.find(where.toString(), params);
            return query.range(0, q.limit()).list().map(rows -> rows.stream().map(c -> new ListedCampaign(c, null)).toList());
        }
        CampaignQuery.Period period = q.period().get();
        StringBuilder where = new StringBuilder("select e, m from HierarchyCampaign e, CampaignPeriodMetrics m where m.orgId = :org"
                + " and m.grain = :grain and m.periodStart = :period and e.id = m.campaignId and e.orgId = :org");
        Parameters params = Parameters.with("org", orgId).and("grain", period.grain().id()).and("period", period.start());
        filters(where, params, q);
        for (int k = 0; k < q.kpis().size(); k++) {
            KpiFilter f = q.kpis().get(k);
            where.append(" and ").append(f.kpi().path).append(' ').append(f.op().sql).append(" :kpi").append(k);
            params.and("kpi" + k, f.value());
        }
        if (!q.sort().kpi()) {
            keysetOnCampaign(where, params, q);
            return page(where.toString(), params, q.limit() + 1);
        }
        String key = q.sort().path;
        String direction = q.descending() ? " desc" : " asc";
        String cmp = q.descending() ? " < " : " > ";
        boolean inNulls = q.after().map(a -> a.value() == null).orElse(false);
        // the campaigns whose KPI is undefined, after all the others: by id, a plain range of the KPI's index (NULL key)
        StringBuilder nulls = new StringBuilder(where).append(" and ").append(key).append(" is null");
        Parameters nullParams = copy(params);
        if (inNulls) {
            nulls.append(" and m.campaignId").append(cmp).append(":afterId");
            nullParams.and("afterId", q.after().get().id());
        }
        nulls.append(" order by m.campaignId").append(direction);
        if (inNulls) {
            return page(nulls.toString(), nullParams, q.limit() + 1);
        }
        where.append(" and ").append(key).append(" is not null");
        q.after().ifPresent(after -> {
            where.append(" and (").append(key).append(", m.campaignId)").append(cmp).append("(:afterKey, :afterId)");
            params.and("afterKey", q.sort().read(after.value())).and("afterId", after.id());
        });
        where.append(" order by ").append(key).append(direction).append(", m.campaignId").append(direction);
        Uni<List<ListedCampaign>> valued = page(where.toString(), params, q.limit() + 1);
        if (!q.sort().nullable) {
            return valued;
        }
        return valued.chain(rows -> rows.size() > q.limit() ? Uni.createFrom().item(rows)
                : page(nulls.toString(), nullParams, q.limit() + 1 - rows.size()).map(more -> {
                    List<ListedCampaign> all = new ArrayList<>(rows);
                    all.addAll(more);
                    return all;
                }));
    }

    /** Up to {@code max} rows of a {@code select e, m} query. */
    private static Uni<List<ListedCampaign>> page(String hql, Parameters params, int max) {
        return Panache.getSession().chain(session -> {
            var query = session.createSelectionQuery(hql, Object[].class);
            params.map().forEach(query::setParameter);
            // read-only: the session keeps no snapshot of the page's entities and its commit checks none of them
            return query.setReadOnly(true).setMaxResults(max).getResultList();
        }).map(rows -> rows.stream().map(r -> new ListedCampaign((Campaign) r[0], (PeriodMetrics) r[1])).toList());
    }

    private static Parameters copy(Parameters params) {
        Parameters copy = new Parameters();
        params.map().forEach(copy::and);
        return copy;
    }

    /** The list's conditions on the campaign itself. */
    private static void filters(StringBuilder where, Parameters params, CampaignQuery q) {
        if (!q.dspTypes().isEmpty()) {
            where.append(" and e.dspType in :dspTypes");
            params.and("dspTypes", q.dspTypes());
        }
        q.dspAccountId().ifPresent(id -> {
            where.append(" and e.dspAccountId = :account");
            params.and("account", id);
        });
        if (!q.statuses().isEmpty()) {
            where.append(" and e.status in :statuses");
            params.and("statuses", q.statuses());
        }
        q.advertiserId().ifPresent(id -> {
            where.append(" and e.advertiserId = :advertiser");
            params.and("advertiser", id);
        });
        q.nameContains().ifPresent(text -> {
            // both sides lower-cased by PostgreSQL, so its case rules (not Java's) decide; the text's own % and _ match literally
            where.append(" and lower(e.name) like lower(:name) escape '!'");
            params.and("name", "%" + text.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        });
        q.startDateFrom().ifPresent(d -> condition(where, params, "e.startDate >= :startFrom", "startFrom", d));
        q.startDateTo().ifPresent(d -> condition(where, params, "e.startDate <= :startTo", "startTo", d));
        q.endDateFrom().ifPresent(d -> condition(where, params, "e.endDate >= :endFrom", "endFrom", d));
        q.endDateTo().ifPresent(d -> condition(where, params, "e.endDate <= :endTo", "endTo", d));
        if (!q.includeRemoved()) {
            where.append(NOT_REMOVED);
        }
    }

    /** The keyset condition and order of a sort by a column of the campaign. */
    private static void keysetOnCampaign(StringBuilder where, Parameters params, CampaignQuery q) {
        String key = q.sort().path;
        String cmp = q.descending() ? "<" : ">";
        q.after().ifPresent(after -> {
            params.and("afterId", after.id());
            if (after.value() == null) {
                where.append(" and (").append(key).append(" is null and e.id ").append(cmp).append(" :afterId)");
            } else {
                params.and("afterKey", q.sort().read(after.value()));
                where.append(" and (").append(key).append(' ').append(cmp).append(" :afterKey or (").append(key)
                        .append(" = :afterKey and e.id ").append(cmp).append(" :afterId)");
                if (q.sort().nullable) {
                    where.append(" or ").append(key).append(" is null");
                }
                where.append(')');
            }
        });
        String direction = q.descending() ? " desc" : " asc";
        where.append(" order by ").append(key).append(direction).append(" nulls last, e.id").append(direction);
    }

    private static void condition(StringBuilder where, Parameters params, String condition, String name, Object value) {
        where.append(" and ").append(condition);
        params.and(name, value);
    }

    Uni<Campaign> campaign(UUID orgId, UUID id) {
        return Campaign.find("id = ?1 and orgId = ?2", id, orgId).firstResult();
    }

    Uni<InsertionOrder> insertionOrder(UUID orgId, UUID id) {
        return InsertionOrder.find("id = ?1 and orgId = ?2", id, orgId).firstResult();
    }

    Uni<LineItem> lineItem(UUID orgId, UUID id) {
        return LineItem.find("id = ?1 and orgId = ?2", id, orgId).firstResult();
    }

    /** The creative, with the insertion order of its line item (for a grant on that insertion order). */
    Uni<Creative> creative(UUID orgId, UUID id) {
        return Creative.<Creative>find("id = ?1 and orgId = ?2", id, orgId).firstResult()
                .call(c -> c == null || c.lineItemId == null ? Uni.createFrom().voidItem()
                        : LineItem.<LineItem>find("id = ?1 and orgId = ?2", c.lineItemId, orgId).firstResult()
                                .invoke(l -> c.insertionOrderId = l == null ? null : l.insertionOrderId));
    }

    Uni<List<InsertionOrder>> insertionOrdersOf(Campaign campaign, PageRequest page, boolean includeRemoved) {
        return children("HierarchyInsertionOrder", "campaignId", campaign.orgId, campaign.id, page, includeRemoved);
    }

    Uni<List<LineItem>> lineItemsOf(InsertionOrder order, PageRequest page, boolean includeRemoved) {
        return children("HierarchyLineItem", "insertionOrderId", order.orgId, order.id, page, includeRemoved);
    }

    Uni<List<Creative>> creativesOf(LineItem item, PageRequest page, boolean includeRemoved) {
        return children("HierarchyCreative", "lineItemId", item.orgId, item.id, page, includeRemoved);
    }

    /** One page of a parent's children, oldest first (keyset on created_at, id), {@code limit + 1} rows. */
    private static <E extends HierarchyEntity> Uni<List<E>> children(String entity, String parentField, UUID orgId,
                                                                   UUID parentId, PageRequest page, boolean includeRemoved) {
        StringBuilder where = new StringBuilder("from ").append(entity).append(" e where e.orgId = :org and e.")
                .append(parentField).append(" = :parent");
        Parameters params = Parameters.with("org", orgId).and("parent", parentId);
        if (!includeRemoved) {
            where.append(NOT_REMOVED);
        }
        page.after().ifPresent(after -> {
            where.append(" and (e.createdAt > :at or (e.createdAt = :at and e.id > :id))");
            params.and("at", after.at()).and("id", after.id());
        });
        where.append(" order by e.createdAt, e.id");
        PanacheQuery<E> query = switch (entity) {
            case "HierarchyInsertionOrder" -> InsertionOrder.find(where.toString(), params);
            case "HierarchyLineItem" -> LineItem.find(where.toString(), params);
            default -> Creative.find(where.toString(), params);
        };
        return query.range(0, page.limit()).list();
    }

    /** What lies below a campaign, removed entities not counted. */
    Uni<Counts> countsBelow(Campaign c) {
        return InsertionOrder.count("orgId = ?1 and campaignId = ?2 and removedAt is null", c.orgId, c.id)
                .chain(orders -> LineItem.count("orgId = ?1 and campaignId = ?2 and removedAt is null", c.orgId, c.id)
                        .chain(items -> Creative.count("orgId = ?1 and campaignId = ?2 and removedAt is null", c.orgId, c.id)
                                .map(creatives -> new Counts(orders, items, creatives))));
    }

    Uni<Counts> countsBelow(InsertionOrder i) {
        return LineItem.count("orgId = ?1 and insertionOrderId = ?2 and removedAt is null", i.orgId, i.id)
                .chain(items -> Creative.count("orgId = ?1 and removedAt is null and lineItemId in "
                                + "(select l.id from HierarchyLineItem l where l.insertionOrderId = ?2)", i.orgId, i.id)
                        .map(creatives -> new Counts(null, items, creatives)));
    }

    Uni<Counts> countsBelow(LineItem l) {
        return Creative.count("orgId = ?1 and lineItemId = ?2 and removedAt is null", l.orgId, l.id)
                .map(creatives -> new Counts(null, null, creatives));
    }
}
