package io.clp.campaign.client;

import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/** The organization's clients, their advertiser links and CPM rates over HTTP; {@link Clients} decides and does the work. */
@Path("/api/v1/organizations/{orgId}/clients")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Clients")
public class ClientResource {

    private final Clients clients;

    ClientResource(Clients clients) {
        this.clients = clients;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a client (an advertiser the organization serves and bills), with the currency it is billed in")
    @APIResponse(responseCode = "201", description = "created; Location names the client")
    @APIResponse(responseCode = "409", description = "the organization has a client of that name (client-exists)")
    public Uni<Response> create(@PathParam("orgId") UUID orgId, @Valid @NotNull ClientRequests.Create request, @Context UriInfo uri) {
        return clients.create(orgId, request).map(view -> Response
                .created(uri.getAbsolutePathBuilder().path(view.id().toString()).build()).entity(view).build());
    }

    @GET
    @Operation(summary = "The organization's clients, oldest first, one page at a time")
    public Uni<Page<ClientViews.ClientView>> list(@PathParam("orgId") UUID orgId, @QueryParam("status") String status,
                                                  @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        return clients.list(orgId, status, PageRequest.of(limit, cursor));
    }

    @GET
    @Path("/{clientId}")
    @Operation(summary = "One client")
    public Uni<ClientViews.ClientView> get(@PathParam("orgId") UUID orgId, @PathParam("clientId") UUID clientId) {
        return clients.get(orgId, clientId);
    }

    @PATCH
    @Path("/{clientId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Rename a client, or disable (no new advertiser links) or enable it; its currency is fixed")
    public Uni<ClientViews.ClientView> update(@PathParam("orgId") UUID orgId, @PathParam("clientId") UUID clientId,
                                              @Valid @NotNull ClientRequests.Update request) {
        return clients.update(orgId, clientId, request);
    }

    @DELETE
    @Path("/{clientId}")
    @Operation(summary = "Delete a client with its links and rates; its campaigns stay, with no client, and are no longer billed")
    @APIResponse(responseCode = "204", description = "deleted")
    public Uni<Void> delete(@PathParam("orgId") UUID orgId, @PathParam("clientId") UUID clientId) {
        return clients.delete(orgId, clientId);
    }

    @GET
    @Path("/{clientId}/advertisers")
    @Operation(summary = "The DSP advertisers (or whole accounts) linked to the client, oldest first, with how many campaigns each covers")
    public Uni<ClientViews.Advertisers> advertisers(@PathParam("orgId") UUID orgId, @PathParam("clientId") UUID clientId) {
        return clients.advertisers(orgId, clientId);
    }

    @POST
    @Path("/{clientId}/advertisers")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Link a DSP advertiser (or, without advertiserId, a whole account) to the client: its campaigns become the "
            + "client's and their metrics are repriced at the client's CPM")
    @APIResponse(responseCode = "201", description = "linked; the answer says how many metric rows were repriced")
    @APIResponse(responseCode = "409", description = "already linked to a client (advertiser-linked), the client is disabled, or holds 1,000 links")
    public Uni<Response> link(@PathParam("orgId") UUID orgId, @PathParam("clientId") UUID clientId,
                              @Valid @NotNull ClientRequests.LinkAdvertiser request, @Context UriInfo uri) {
        return clients.link(orgId, clientId, request).map(linked -> Response
                .created(uri.getAbsolutePathBuilder().path(linked.advertiser().id().toString()).build()).entity(linked).build());
    }

    @DELETE
    @Path("/{clientId}/advertisers/{linkId}")
    @Operation(summary = "Unlink an advertiser: its campaigns fall back to their account's link, if any, else to no client")
    public Uni<ClientViews.Recomputed> unlink(@PathParam("orgId") UUID orgId, @PathParam("clientId") UUID clientId,
                                              @PathParam("linkId") UUID linkId) {
        return clients.unlink(orgId, clientId, linkId);
    }

    @GET
    @Path("/{clientId}/cpm-rates")
    @Operation(summary = "The client's CPM rates by effective date, each with the last day it governs")
    public Uni<ClientViews.Rates> rates(@PathParam("orgId") UUID orgId, @PathParam("clientId") UUID clientId) {
        return clients.rates(orgId, clientId);
    }

    @PUT
    @Path("/{clientId}/cpm-rates/{effectiveDate}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the CPM in effect from a date until the next rate's: the metrics of those days are repriced and announced")
    public Uni<ClientViews.CpmRateSet> setRate(@PathParam("orgId") UUID orgId, @PathParam("clientId") UUID clientId,
                                               @PathParam("effectiveDate") String effectiveDate,
                                               @Valid @NotNull ClientRequests.SetCpmRate request) {
        return clients.setRate(orgId, clientId, effectiveDate, request);
    }

    @DELETE
    @Path("/{clientId}/cpm-rates/{effectiveDate}")
    @Operation(summary = "Delete a CPM rate: the days it governed take the rate before it (or none), repriced")
    public Uni<ClientViews.Recomputed> deleteRate(@PathParam("orgId") UUID orgId, @PathParam("clientId") UUID clientId,
                                                  @PathParam("effectiveDate") String effectiveDate) {
        return clients.deleteRate(orgId, clientId, effectiveDate);
    }
}
