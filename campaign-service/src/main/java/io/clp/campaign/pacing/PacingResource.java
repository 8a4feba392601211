package io.clp.campaign.pacing;

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

/** A campaign's pacing over HTTP; {@link Pacing} reads it. */
@Path("/api/v1/organizations/{orgId}/campaigns/{campaignId}/pacing")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Pacing")
public class PacingResource {

    private final Pacing pacing;

    PacingResource(Pacing pacing) {
        this.pacing = pacing;
    }

    @GET
    @Operation(summary = "The latest pacing of the campaign, its insertion orders and its line items (snapshots of the last 35 days)")
    public Uni<PacingViews.Current> current(@PathParam("orgId") UUID orgId, @PathParam("campaignId") UUID campaignId) {
        return pacing.current(orgId, campaignId);
    }

    @GET
    @Path("/history")
    @Operation(summary = "One entity's pacing snapshots between two days (UTC), oldest first")
    public Uni<PacingViews.History> history(@PathParam("orgId") UUID orgId, @PathParam("campaignId") UUID campaignId,
                                            @Parameter(description = "campaign (default), insertion_order or line_item")
                                            @QueryParam("level") String level,
                                            @Parameter(description = "the entity (default: the campaign)") @QueryParam("entityId") String entityId,
                                            @QueryParam("from") String from, @QueryParam("to") String to) {
        return pacing.history(orgId, campaignId, level, entityId, from, to);
    }
}
