package io.clp.pipeline.template;

import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.platform.problem.Problems;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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

/** Pipeline templates over HTTP: CLP's public ones and the organization's own; {@link Templates} decides and does the work. */
@Path("/api/v1/organizations/{orgId}/templates")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Templates")
public class TemplateResource {

    private final Templates templates;

    TemplateResource(Templates templates) {
        this.templates = templates;
    }

    @GET
    @Operation(summary = "The public templates and the organization's own, each lineage by its active (newest) version, oldest first, "
            + "one page at a time; filter by dspType, category, templateType")
    public Uni<Page<TemplateView>> list(@PathParam("orgId") UUID orgId, @QueryParam("dspType") String dspType,
                                        @QueryParam("category") String category, @QueryParam("templateType") String templateType,
                                        @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        DspType dsp = dspType == null ? null : DspType.fromLabel(dspType)
                .orElseThrow(() -> Problems.validation("dspType", "must be one of " + DspType.labels()));
        return templates.list(orgId, new TemplateRepository.Filter(dsp, category, templateType), PageRequest.of(limit, cursor));
    }

    @GET
    @Path("/{templateId}")
    @Operation(summary = "One template version, public or the organization's own (any version, active or not)")
    public Uni<TemplateView> get(@PathParam("orgId") UUID orgId, @PathParam("templateId") UUID templateId) {
        return templates.get(orgId, templateId);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an organization's template (version 1 of a new lineage)")
    @APIResponse(responseCode = "201", description = "created; Location names the template")
    @APIResponse(responseCode = "422", description = "the input schema is not a usable JSON Schema object, or the default "
            + "parameters do not satisfy it (unprocessable)")
    public Uni<Response> create(@PathParam("orgId") UUID orgId, @Valid @NotNull TemplateRequest request, @Context UriInfo uri) {
        return templates.create(orgId, request).map(view -> Response
                .created(uri.getAbsolutePathBuilder().path(view.id().toString()).build()).entity(view).build());
    }

    @PUT
    @Path("/{templateId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Edit a template: writes its next version (the whole template) and deactivates the edited one, "
            + "which stays readable; answers the new version")
    @APIResponse(responseCode = "201", description = "the new version; Location names it")
    @APIResponse(responseCode = "403", description = "a public template, which organizations cannot change")
    @APIResponse(responseCode = "409", description = "the edited version is not its lineage's active one (not-latest-version)")
    public Uni<Response> edit(@PathParam("orgId") UUID orgId, @PathParam("templateId") UUID templateId,
                              @Valid @NotNull TemplateRequest request, @Context UriInfo uri) {
        return templates.edit(orgId, templateId, request).map(view -> Response
                .created(uri.getBaseUriBuilder().path("api/v1/organizations").path(orgId.toString()).path("templates")
                        .path(view.id().toString()).build()).entity(view).build());
    }

    @DELETE
    @Path("/{templateId}")
    @Operation(summary = "Delete a template: its lineage's active version is deactivated; pipelines made from it keep working")
    @APIResponse(responseCode = "204", description = "deleted")
    @APIResponse(responseCode = "403", description = "a public template, which organizations cannot delete")
    public Uni<Void> delete(@PathParam("orgId") UUID orgId, @PathParam("templateId") UUID templateId) {
        return templates.delete(orgId, templateId);
    }
}
