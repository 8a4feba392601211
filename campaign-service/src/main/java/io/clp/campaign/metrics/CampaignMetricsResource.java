package io.clp.campaign.metrics;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/** A campaign's recorded daily metrics over HTTP, read-only: pipeline executions write them ({@link MetricsBatchConsumer}). */
@Path("/api/v1/organizations/{orgId}/campaigns/{campaignId}/metrics")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Campaign metrics")
public class CampaignMetricsResource {

    private final CampaignMetrics metrics;

    CampaignMetricsResource(CampaignMetrics metrics) {
        this.metrics = metrics;
    }

    @GET
    @Operation(summary = "A campaign's daily metrics at one level of its hierarchy, with the range's totals",
            description = "Amounts and KPIs are exact decimal strings; a KPI with a zero denominator is null; totals are per "
                    + "currency, their KPIs computed from the totals. Needs metrics:read in the organization or a view grant "
                    + "on the campaign.")
    public Uni<CampaignMetricsView> metrics(
            @PathParam("orgId") UUID orgId,
            @PathParam("campaignId") UUID campaignId,
            @Parameter(description = "first day, included (YYYY-MM-DD); default 29 days before to",
                    schema = @Schema(type = SchemaType.STRING, format = "date"))
            @QueryParam("from") String from,
            @Parameter(description = "last day, included (YYYY-MM-DD); default today (UTC); at most 400 days after from",
                    schema = @Schema(type = SchemaType.STRING, format = "date"))
            @QueryParam("to") String to,
            @Parameter(description = "campaign (default), insertion_order, line_item or creative")
            @QueryParam("level") String level) {
        return metrics.daily(orgId, campaignId, from, to, level);
    }
}
