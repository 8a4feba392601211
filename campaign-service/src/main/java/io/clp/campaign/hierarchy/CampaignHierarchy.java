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
import java.util.function.BiFunction;
import java.util.function.Function;

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
    private final Level<Campaign> campaigns;
    private final Level<InsertionOrder> insertionOrders;
    private final Level<LineItem> lineItems;
    private final Level<Creative> creatives;

    CampaignHierarchy(OrganizationWork work, HierarchyRepository hierarchy) {
        this.work = work;
        this.hierarchy = hierarchy;
        this.campaigns = new Level<>(Campaign.ENTITY_TYPE, hierarchy::campaign, c -> List.of());
        this.insertionOrders = new Level<>(InsertionOrder.ENTITY_TYPE, hierarchy::insertionOrder, CampaignHierarchy::enclosingOrder);
        this.lineItems = new Level<>(LineItem.ENTITY_TYPE, hierarchy::lineItem, CampaignHierarchy::enclosingItem);
        this.creatives = new Level<>(Creative.ENTITY_TYPE, hierarchy::creative, CampaignHierarchy::enclosingCreative);
    }

    /** How an entity of one level is found in the organization, and the entities whose view grant opens it too. */
    private record Level<E>(String entityType, BiFunction<UUID, UUID, Uni<E>> find, Function<E, List<EntityRef>> enclosing) {
    }

    /**
     * A page of the campaign list, as the UTF-8 JSON of a {@link Page} of {@link CampaignView}s: the page's rows are read
     * as plain columns ({@link CampaignList}) and written straight to JSON.
     */
    public Uni<byte[]> campaigns(UUID orgId, CampaignQuery.Params params) {
        CampaignQuery query = CampaignQuery.of(params);
        String period = query.period().map(CampaignQuery.Period::id).orElse(CampaignQuery.NO_PERIOD);
        return work.read(orgId, Permission.CAMPAIGN_READ, () -> CampaignList.rows(orgId, query)).map(rows -> {
            Page<CampaignList.Row> page = Page.of(rows, query.limit(),
                    last -> new SortCursor(query.sort(), query.descending(), period, last.key(), last.id()).encode());
            return CampaignList.json(page.items(), query, page.nextCursor());
        });
    }

    public Uni<CampaignView> campaign(UUID orgId, UUID id) {
        return onEntity(orgId, campaigns, id, c -> hierarchy.countsBelow(c).map(counts -> CampaignView.of(c, counts)));
    }

    public Uni<Page<InsertionOrderView>> insertionOrders(UUID orgId, UUID campaignId, PageRequest page, boolean includeRemoved) {
        return childrenOf(orgId, campaigns, campaignId, page, c -> hierarchy.insertionOrdersOf(c, page, includeRemoved),
                InsertionOrderView::of);
    }

    public Uni<InsertionOrderView> insertionOrder(UUID orgId, UUID id) {
        return onEntity(orgId, insertionOrders, id, i -> hierarchy.countsBelow(i).map(counts -> InsertionOrderView.of(i, counts)));
    }

    public Uni<Page<LineItemView>> lineItems(UUID orgId, UUID insertionOrderId, PageRequest page, boolean includeRemoved) {
        return childrenOf(orgId, insertionOrders, insertionOrderId, page, i -> hierarchy.lineItemsOf(i, page, includeRemoved),
                LineItemView::of);
    }

    public Uni<LineItemView> lineItem(UUID orgId, UUID id) {
        return onEntity(orgId, lineItems, id, l -> hierarchy.countsBelow(l).map(counts -> LineItemView.of(l, counts)));
    }

    public Uni<Page<CreativeView>> creatives(UUID orgId, UUID lineItemId, PageRequest page, boolean includeRemoved) {
        return childrenOf(orgId, lineItems, lineItemId, page, l -> hierarchy.creativesOf(l, page, includeRemoved), CreativeView::of);
    }

    public Uni<CreativeView> creative(UUID orgId, UUID id) {
        return onEntity(orgId, creatives, id, c -> Uni.createFrom().item(CreativeView.of(c)));
    }

    private <E, T> Uni<T> onEntity(UUID orgId, Level<E> level, UUID id, Function<E, Uni<T>> read) {
        return work.onEntity(orgId, Permission.CAMPAIGN_READ, level.entityType(), id, () -> level.find().apply(orgId, id),
                level.enclosing(), read);
    }

    /** A page of a parent's children, oldest first: the cursor is the last child's creation time and id. */
    private <P, C extends HierarchyEntity, V> Uni<Page<V>> childrenOf(UUID orgId, Level<P> parent, UUID parentId, PageRequest page,
                                                                      Function<P, Uni<List<C>>> children, Function<C, V> view) {
        return onEntity(orgId, parent, parentId, p -> children.apply(p)
                .map(rows -> Page.of(rows, page.limit(), c -> new Cursor(c.createdAt, c.id), view)));
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
