package io.clp.campaign.hierarchy;

import io.clp.platform.pagination.Page;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

/**
 * The organization's campaigns and their hierarchy (insertion orders, line items, creatives) over HTTP,
 * read-only: the sync writes them. {@link CampaignHierarchy} decides and does the work.
 */
@Path("/api/v1/organizations/{orgId}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Campaigns")
public class CampaignHierarchyResource {

    /** A page of the campaign list: what {@link CampaignHierarchy#campaigns} writes (its JSON arrives already written). */
    public record CampaignPage(List<CampaignView> items, String nextCursor) {
    }

    static final String INCLUDE_REMOVED = "true to list entities removed at the DSP too (default false)";

    private final CampaignHierarchy hierarchy;

    CampaignHierarchyResource(CampaignHierarchy hierarchy) {
        this.hierarchy = hierarchy;
    }

    @GET
    @Path("/campaigns")
    @Operation(summary = "The organization's campaigns, filtered and sorted, one page at a time",
            description = "Filters narrow the list; a repeated dspType or status widens that filter. With a period (a week or "
                    + "a month), each campaign carries its totals and KPIs over it, and the list can be filtered and sorted by any "
                    + "KPI. The cursor of a page is valid only with the same sort, order and period (400 otherwise). Needs "
                    + "campaign:read in the organization.")
    @APIResponse(responseCode = "200", description = "A page of campaigns",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CampaignPage.class)))
    public Uni<byte[]> campaigns(
            @PathParam("orgId") UUID orgId,
            @Parameter(description = "dv360, ttd, meta, amazon or google_ads; repeatable")
            @QueryParam("dspType") List<String> dspType,
            @Parameter(description = "the DSP account the campaigns belong to")
            @QueryParam("dspAccountId") String dspAccountId,
            @Parameter(description = "active, paused, draft, archived or removed; repeatable")
            @QueryParam("status") List<String> status,
            @Parameter(description = "the DSP's advertiser id, exactly")
            @QueryParam("advertiserId") String advertiserId,
            @Parameter(description = "part of the name, case-insensitive")
            @QueryParam("nameContains") String nameContains,
            @Parameter(description = "start date on or after (YYYY-MM-DD)", schema = @Schema(type = SchemaType.STRING, format = "date"))
            @QueryParam("startDateFrom") String startDateFrom,
            @Parameter(description = "start date on or before (YYYY-MM-DD)", schema = @Schema(type = SchemaType.STRING, format = "date"))
            @QueryParam("startDateTo") String startDateTo,
            @Parameter(description = "end date on or after (YYYY-MM-DD)", schema = @Schema(type = SchemaType.STRING, format = "date"))
            @QueryParam("endDateFrom") String endDateFrom,
            @Parameter(description = "end date on or before (YYYY-MM-DD)", schema = @Schema(type = SchemaType.STRING, format = "date"))
            @QueryParam("endDateTo") String endDateTo,
            @Parameter(description = INCLUDE_REMOVED, schema = @Schema(type = SchemaType.BOOLEAN))
            @QueryParam("includeRemoved") String includeRemoved,
            @Parameter(description = "week or month (default): the grain of period")
            @QueryParam("grain") String grain,
            @Parameter(description = "a day (YYYY-MM-DD) of the week (Monday to Sunday) or calendar month whose totals each campaign "
                    + "shows; the list then holds the campaigns with metrics in that period",
                    schema = @Schema(type = SchemaType.STRING, format = "date"))
            @QueryParam("period") String period,
            @Parameter(description = "kpi:op:value over the period, e.g. roas:gte:2.5 or spend:gt:1000; kpi one of impressions, clicks, "
                    + "conversions, views, spend, revenue, billedSpend, ctr, cpc, cpm, cpa, cvr, roas; op one of gt, gte, lt, lte, eq; "
                    + "repeatable (all must hold), at most 10; an undefined KPI matches nothing")
            @QueryParam("kpi") List<String> kpi,
            @Parameter(description = "name (default), startDate, endDate, budget, updatedAt, createdAt, or with a period any KPI "
                    + "of the kpi parameter; missing values (and undefined KPIs) sort last")
            @QueryParam("sort") String sort,
            @Parameter(description = "asc (default) or desc")
            @QueryParam("order") String order,
            @Parameter(description = "1 to 200, default 50", schema = @Schema(type = SchemaType.INTEGER))
            @QueryParam("limit") String limit,
            @Parameter(description = "nextCursor of the previous page")
            @QueryParam("cursor") String cursor) {
        return hierarchy.campaigns(orgId, new CampaignQuery.Params(dspType, dspAccountId, status, advertiserId, nameContains,
                startDateFrom, startDateTo, endDateFrom, endDateTo, includeRemoved, grain, period, kpi, sort, order, limit, cursor));
    }

    @GET
    @Path("/campaigns/{campaignId}")
    @Operation(summary = "One campaign, with how many insertion orders, line items and creatives it has (removed ones not counted)")
    public Uni<CampaignView> campaign(@PathParam("orgId") UUID orgId, @PathParam("campaignId") UUID campaignId) {
        return hierarchy.campaign(orgId, campaignId);
    }

    @GET
    @Path("/campaigns/{campaignId}/insertion-orders")
    @Operation(summary = "A campaign's insertion orders, oldest first, one page at a time")
    public Uni<Page<InsertionOrderView>> insertionOrders(@PathParam("orgId") UUID orgId, @PathParam("campaignId") UUID campaignId,
                                                         @BeanParam ChildListQuery query) {
        return hierarchy.insertionOrders(orgId, campaignId, query.page(), query.includeRemoved());
    }

    @GET
    @Path("/insertion-orders/{insertionOrderId}")
    @Operation(summary = "One insertion order, with how many line items and creatives it has")
    public Uni<InsertionOrderView> insertionOrder(@PathParam("orgId") UUID orgId,
                                                  @PathParam("insertionOrderId") UUID insertionOrderId) {
        return hierarchy.insertionOrder(orgId, insertionOrderId);
    }

    @GET
    @Path("/insertion-orders/{insertionOrderId}/line-items")
    @Operation(summary = "An insertion order's line items, oldest first, one page at a time")
    public Uni<Page<LineItemView>> lineItems(@PathParam("orgId") UUID orgId, @PathParam("insertionOrderId") UUID insertionOrderId,
                                             @BeanParam ChildListQuery query) {
        return hierarchy.lineItems(orgId, insertionOrderId, query.page(), query.includeRemoved());
    }

    @GET
    @Path("/line-items/{lineItemId}")
    @Operation(summary = "One line item, with how many creatives it has")
    public Uni<LineItemView> lineItem(@PathParam("orgId") UUID orgId, @PathParam("lineItemId") UUID lineItemId) {
        return hierarchy.lineItem(orgId, lineItemId);
    }

    @GET
    @Path("/line-items/{lineItemId}/creatives")
    @Operation(summary = "A line item's creatives, oldest first, one page at a time")
    public Uni<Page<CreativeView>> creatives(@PathParam("orgId") UUID orgId, @PathParam("lineItemId") UUID lineItemId,
                                             @BeanParam ChildListQuery query) {
        return hierarchy.creatives(orgId, lineItemId, query.page(), query.includeRemoved());
    }

    @GET
    @Path("/creatives/{creativeId}")
    @Operation(summary = "One creative")
    public Uni<CreativeView> creative(@PathParam("orgId") UUID orgId, @PathParam("creativeId") UUID creativeId) {
        return hierarchy.creative(orgId, creativeId);
    }
}
