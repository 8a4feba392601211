package io.clp.campaign.hierarchy;

import io.clp.platform.pagination.Cursor;
import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.tenancy.grant.EntityRef;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.work.OrganizationWork;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

/**
 * Reading the organization's campaign hierarchy. The campaign list needs {@code campaign:read} in the
 * organization (403 without it, even for a holder of entity grants: a list filtered by grants would need
 * every grant joined into every query, and nobody holds grants without a role today). One entity, and the
 * children listed under it, is allowed by the role or by a view grant on that entity or on any entity that
 * contains it (a grant on a campaign opens its insertion orders, line items and creatives; the ancestors'
 * ids come from the entity's own row, checked in one query); every operation runs as an
 * {@link OrganizationWork}.
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
                () -> hierarchy.insertionOrder(orgId, id), CampaignHierarchy::enclosingOrder,
                i -> hierarchy.countsBelow(i).map(counts -> InsertionOrderView.of(i, counts)));
    }

    public Uni<Page<LineItemView>> lineItems(UUID orgId, UUID insertionOrderId, PageRequest page, boolean includeRemoved) {
        return work.onEntity(orgId, Permission.CAMPAIGN_READ, InsertionOrder.ENTITY_TYPE, insertionOrderId,
                () -> hierarchy.insertionOrder(orgId, insertionOrderId), CampaignHierarchy::enclosingOrder,
                i -> hierarchy.lineItemsOf(i, page, includeRemoved)
                        .map(rows -> Page.of(rows, page.limit(), l -> new Cursor(l.createdAt, l.id), LineItemView::of)));
    }

    public Uni<LineItemView> lineItem(UUID orgId, UUID id) {
        return work.onEntity(orgId, Permission.CAMPAIGN_READ, LineItem.ENTITY_TYPE, id, () -> hierarchy.lineItem(orgId, id),
                CampaignHierarchy::enclosingItem, l -> hierarchy.countsBelow(l).map(counts -> LineItemView.of(l, counts)));
    }

    public Uni<Page<CreativeView>> creatives(UUID orgId, UUID lineItemId, PageRequest page, boolean includeRemoved) {
        return work.onEntity(orgId, Permission.CAMPAIGN_READ, LineItem.ENTITY_TYPE, lineItemId,
                () -> hierarchy.lineItem(orgId, lineItemId), CampaignHierarchy::enclosingItem,
                l -> hierarchy.creativesOf(l, page, includeRemoved)
                        .map(rows -> Page.of(rows, page.limit(), c -> new Cursor(c.createdAt, c.id), CreativeView::of)));
    }

    public Uni<CreativeView> creative(UUID orgId, UUID id) {
        return work.onEntity(orgId, Permission.CAMPAIGN_READ, Creative.ENTITY_TYPE, id, () -> hierarchy.creative(orgId, id),
                CampaignHierarchy::enclosingCreative, c -> Uni.createFrom().item(CreativeView.of(c)));
    }

    /** The entities whose view grant opens an insertion order too: its campaign. */
    private static List<EntityRef> enclosingOrder(InsertionOrder i) {
        return List.of(new EntityRef(Campaign.ENTITY_TYPE, i.campaignId));
    }

    private static List<EntityRef> enclosingItem(LineItem l) {
        return List.of(new EntityRef(InsertionOrder.ENTITY_TYPE, l.insertionOrderId), new EntityRef(Campaign.ENTITY_TYPE, l.campaignId));
    }

    private static List<EntityRef> enclosingCreative(Creative c) {
        return List.of(new EntityRef(LineItem.ENTITY_TYPE, c.lineItemId), new EntityRef(InsertionOrder.ENTITY_TYPE, c.insertionOrderId),
                new EntityRef(Campaign.ENTITY_TYPE, c.campaignId));
    }
}
