package io.clp.campaign.hierarchy;

import io.clp.platform.pagination.PageRequest;
import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

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
