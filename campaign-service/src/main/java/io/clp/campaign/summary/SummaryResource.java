package io.clp.campaign.summary;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseHeader;

import java.util.UUID;

/**
 * Daily, weekly and monthly summaries of an organization's metrics over HTTP; {@link Summaries} reads them,
 * {@link SummaryJson} writes them.
 */
@Path("/api/v1/organizations/{orgId}/summaries")
@Authenticated
@Tag(name = "Summaries")
public class SummaryResource {

    private final Summaries summaries;

    SummaryResource(Summaries summaries) {
        this.summaries = summaries;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Totals and KPIs per day, week (Monday to Sunday) or month, per currency, optionally per client and DSP, "
            + "with the previous period's for comparison")
    public Uni<SummaryViews.Summary> summary(
            @PathParam("orgId") UUID orgId,
            @Parameter(description = "day (default), week or month") @QueryParam("grain") String grain,
            @Parameter(description = "first day, YYYY-MM-DD (moved back to its period's start)") @QueryParam("from") String from,
            @Parameter(description = "last day, YYYY-MM-DD: periods starting up to it") @QueryParam("to") String to,
            @QueryParam("clientId") String clientId,
            @Parameter(description = "dv360, ttd, meta, amazon or google_ads") @QueryParam("dspType") String dspType,
            @Parameter(description = "client, dsp, or client,dsp") @QueryParam("groupBy") String groupBy,
            @Parameter(description = "previous: each group with the period before") @QueryParam("compare") String compare) {
        return summaries.summary(orgId, SummaryQuery.of(grain, from, to, clientId, dspType, groupBy, compare));
    }

    @GET
    @Path("/top")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A period's top campaigns or creatives by spend, conversions or ROAS, per currency")
    public Uni<SummaryViews.Top> top(@PathParam("orgId") UUID orgId, @QueryParam("grain") String grain,
                                     @Parameter(description = "a day of the period, YYYY-MM-DD") @QueryParam("period") String period,
                                     @Parameter(description = "campaign (default) or creative") @QueryParam("entity") String entity,
                                     @Parameter(description = "spend (default), conversions or roas") @QueryParam("by") String by,
                                     @Parameter(description = "1 to 10 (default)") @QueryParam("limit") Integer limit,
                                     @QueryParam("clientId") String clientId, @QueryParam("dspType") String dspType) {
        return summaries.top(orgId, grain, period, entity, by, limit, clientId, dspType);
    }

    @GET
    @Path("/export")
    @Produces("text/csv")
    @ResponseHeader(name = "Content-Disposition", value = "attachment; filename=\"summaries.csv\"")
    @Operation(summary = "The same summary as CSV (RFC 4180), streamed")
    public Multi<String> export(@PathParam("orgId") UUID orgId, @QueryParam("grain") String grain, @QueryParam("from") String from,
                                @QueryParam("to") String to, @QueryParam("clientId") String clientId,
                                @QueryParam("dspType") String dspType, @QueryParam("groupBy") String groupBy) {
        return summaries.export(orgId, SummaryQuery.of(grain, from, to, clientId, dspType, groupBy, null));
    }
}
