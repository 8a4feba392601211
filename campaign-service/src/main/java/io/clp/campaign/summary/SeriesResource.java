package io.clp.campaign.summary;

import io.quarkus.security.Authenticated;
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

import java.util.UUID;

/** One entity's metrics per day, week or month over HTTP; {@link EntitySeries} reads them, {@link SummaryJson} writes them. */
@Path("/api/v1/organizations/{orgId}/campaigns/{campaignId}/metrics/series")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Campaign metrics")
public class SeriesResource {

    private final EntitySeries series;

    SeriesResource(EntitySeries series) {
        this.series = series;
    }

    @GET
    @Operation(summary = "The campaign's (or one of its entities') metrics per day, week or month, KPIs from each period's totals, "
            + "optionally with each period's previous")
    public Uni<SummaryViews.Series> series(@PathParam("orgId") UUID orgId, @PathParam("campaignId") UUID campaignId,
                                           @Parameter(description = "campaign (default), insertion_order, line_item or creative")
                                           @QueryParam("level") String level,
                                           @Parameter(description = "the entity at that level (default: the campaign)")
                                           @QueryParam("entityId") String entityId,
                                           @Parameter(description = "day (default), week or month") @QueryParam("grain") String grain,
                                           @QueryParam("from") String from, @QueryParam("to") String to,
                                           @Parameter(description = "previous: each period with the one before") @QueryParam("compare") String compare) {
        return series.series(orgId, campaignId, level, entityId, SummaryQuery.of(grain, from, to, null, null, null, compare));
    }
}
