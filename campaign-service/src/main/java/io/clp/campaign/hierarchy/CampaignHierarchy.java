package io.clp.campaign.hierarchy;

import io.clp.platform.pagination.Cursor;
import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.work.OrganizationWork;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Reading the organization's campaign hierarchy. The campaign list needs {@code campaign:read} in the
 * organization (403 without it, even for a holder of entity grants: a list filtered by grants would need
 * every grant joined into every query, and nobody holds grants without a role today). One entity, and the
 * children listed under it, is allowed by the role or by a view grant on that entity; every operation runs
 * as an {@link OrganizationWork}.
 */
@ApplicationScoped
public class CampaignHierarchy {

    private final OrganizationWork work;
    private final HierarchyRepository hierarchy;

    CampaignHierarchy(OrganizationWork work, HierarchyRepository hierarchy) {
        this.work = work;
        this.hierarchy = hierarchy;
    }

    public Uni<Page<CampaignView>> campaigns(UUID orgId, CampaignQuery.Params params) {
        CampaignQuery query = CampaignQuery.of(params);
        return work.run(orgId, Permission.CAMPAIGN_READ, () -> hierarchy.campaigns(orgId, query))
                .map(rows -> {
                    boolean more = rows.size() > query.limit();
                    var page = more ? rows.subList(0, query.limit()) : rows;
                    String next = null;
                    if (more) {
                        Campaign last = page.get(page.size() - 1);
                        next = new SortCursor(query.sort(), query.descending(), query.sort().valueOf(last), last.id).encode();
                    }
                    return new Page<>(page.stream().map(CampaignView::of).toList(), next);
                });
    }

    public Uni<CampaignView> campaign(UUID orgId, UUID id) {
        return work.onEntity(orgId, Permission.CAMPAIGN_READ, Campaign.ENTITY_TYPE, id, () -> hierarchy.campaign(orgId, id),
                c -> hierarchy.countsBelow(c).map(counts -> CampaignView.of(c, counts)));
    }

    public Uni<Page<InsertionOrderView>> insertionOrders(UUID orgId, UUID campaignId, PageRequest page, boolean includeRemoved) {
        return work.onEntity(orgId, Permission.CAMPAIGN_READ, Campaign.ENTITY_TYPE, campaignId,
                () -> hierarchy.campaign(orgId, campaignId),
                c -> hierarchy.insertionOrdersOf(c, page, includeRemoved)
                        .map(rows -> Page.of(rows, page.limit(), i -> new Cursor(i.createdAt, i.id), InsertionOrderView::of)));
    }

    public Uni<InsertionOrderView> insertionOrder(UUID orgId, UUID id) {
        return work.onEntity(orgId, Permission.CAMPAIGN_READ, InsertionOrder.ENTITY_TYPE, id,
                () -> hierarchy.insertionOrder(orgId, id),
                i -> hierarchy.countsBelow(i).map(counts -> InsertionOrderView.of(i, counts)));
    }

    public Uni<Page<LineItemView>> lineItems(UUID orgId, UUID insertionOrderId, PageRequest page, boolean includeRemoved) {
        return work.onEntity(orgId, Permission.CAMPAIGN_READ, InsertionOrder.ENTITY_TYPE, insertionOrderId,
                () -> hierarchy.insertionOrder(orgId, insertionOrderId),
                i -> hierarchy.lineItemsOf(i, page, includeRemoved)
                        .map(rows -> Page.of(rows, page.limit(), l -> new Cursor(l.createdAt, l.id), LineItemView::of)));
    }

    public Uni<LineItemView> lineItem(UUID orgId, UUID id) {
        return work.onEntity(orgId, Permission.CAMPAIGN_READ, LineItem.ENTITY_TYPE, id, () -> hierarchy.lineItem(orgId, id),
                l -> hierarchy.countsBelow(l).map(counts -> LineItemView.of(l, counts)));
    }

    public Uni<Page<CreativeView>> creatives(UUID orgId, UUID lineItemId, PageRequest page, boolean includeRemoved) {
        return work.onEntity(orgId, Permission.CAMPAIGN_READ, LineItem.ENTITY_TYPE, lineItemId,
                () -> hierarchy.lineItem(orgId, lineItemId),
                l -> hierarchy.creativesOf(l, page, includeRemoved)
                        .map(rows -> Page.of(rows, page.limit(), c -> new Cursor(c.createdAt, c.id), CreativeView::of)));
    }

    public Uni<CreativeView> creative(UUID orgId, UUID id) {
        return work.onEntity(orgId, Permission.CAMPAIGN_READ, Creative.ENTITY_TYPE, id, () -> hierarchy.creative(orgId, id),
                c -> Uni.createFrom().item(CreativeView.of(c)));
    }
}
