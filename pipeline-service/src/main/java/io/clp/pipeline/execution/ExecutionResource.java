package io.clp.pipeline.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.platform.problem.Problems;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.RestStreamElementType;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/** A pipeline's executions over HTTP; {@link Executions} decides and does the work. */
@Path("/api/v1/organizations/{orgId}/pipelines/{pipelineId}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Pipeline executions")
public class ExecutionResource {

    private final Executions executions;
    private final ObjectMapper json;

    ExecutionResource(Executions executions, ObjectMapper json) {
        this.executions = executions;
        this.json = json;
    }

    @POST
    @Path("/runs")
    // the body is optional, and a request without one has no Content-Type: read as text, parsed here when present
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Run the pipeline now: 202 with the pending manual execution; the body's from and to (dates, "
            + "inclusive) override the window, which is otherwise the one a scheduled run would read today")
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = RunRequest.class)))
    @APIResponse(responseCode = "202", description = "the pending execution; Location is the execution")
    @APIResponse(responseCode = "409", description = "a manual execution of the pipeline is pending or running (execution-in-progress)")
    public Uni<Response> run(@PathParam("orgId") UUID orgId, @PathParam("pipelineId") UUID pipelineId, String body,
                             @Context HttpHeaders headers, @Context UriInfo uri) {
        RunRequest request = optionalBody(body, headers.getMediaType());
        return executions.run(orgId, pipelineId, request).map(execution -> accepted(uri, orgId, pipelineId, execution));
    }

    private RunRequest optionalBody(String body, MediaType type) {
        if (body == null || body.isBlank()) {
            return null;
        }
        if (type == null || !(type.isCompatible(MediaType.APPLICATION_JSON_TYPE) || type.getSubtype().endsWith("+json"))) {
            throw Problems.unsupportedMediaType("send application/json");
        }
        try {
            return json.readValue(body, RunRequest.class);
        } catch (MismatchedInputException e) {
            String field = e.getPath().stream().map(JsonMappingException.Reference::getFieldName).filter(Objects::nonNull)
                    .collect(Collectors.joining("."));
            throw Problems.validation(field.isEmpty() ? "body" : field, e instanceof UnrecognizedPropertyException
                    ? "unknown field"
                    : "must be of type " + (e.getTargetType() == null ? "another type" : e.getTargetType().getSimpleName()));
        } catch (JsonProcessingException e) {
            throw Problems.malformed("the body is not JSON");
        }
    }

    @POST
    @Path("/backfill")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Backfill days from..to (inclusive, at most 366, not in the future): one pending execution per "
            + "day that has none pending or running")
    @APIResponse(responseCode = "202", description = "the executions created, and the pipeline's backfill concurrency")
    public Uni<Response> backfill(@PathParam("orgId") UUID orgId, @PathParam("pipelineId") UUID pipelineId,
                                  BackfillRequest request) {
        return executions.backfill(orgId, pipelineId, request).map(view -> Response.accepted(view).build());
    }

    @GET
    @Path("/executions")
    @Operation(summary = "The pipeline's executions, newest first, one page at a time; status and type filter them")
    public Uni<Page<ExecutionView>> list(@PathParam("orgId") UUID orgId, @PathParam("pipelineId") UUID pipelineId,
                                         @QueryParam("status") String status, @QueryParam("type") String type,
                                         @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        return executions.list(orgId, pipelineId, status, type, PageRequest.of(limit, cursor));
    }

    @GET
    @Path("/executions/{executionId}")
    @Operation(summary = "One execution: its window, per-stage status, records, bytes and durations, and error")
    public Uni<ExecutionView> get(@PathParam("orgId") UUID orgId, @PathParam("pipelineId") UUID pipelineId,
                                  @PathParam("executionId") UUID executionId) {
        return executions.get(orgId, pipelineId, executionId);
    }

    @POST
    @Path("/executions/{executionId}/cancel")
    @Operation(summary = "Cancel a pending or running execution")
    @APIResponse(responseCode = "409", description = "the execution has finished (execution-finished)")
    public Uni<ExecutionView> cancel(@PathParam("orgId") UUID orgId, @PathParam("pipelineId") UUID pipelineId,
                                     @PathParam("executionId") UUID executionId) {
        return executions.cancel(orgId, pipelineId, executionId);
    }

    @POST
    @Path("/executions/{executionId}/retry")
    @Operation(summary = "Retry a failed execution: pending again, resumed at its first stage not completed, with a new "
            + "retry budget")
    @APIResponse(responseCode = "409", description = "the execution is not failed (execution-not-failed), or another "
            + "execution holds its slot (execution-in-progress)")
    public Uni<ExecutionView> retry(@PathParam("orgId") UUID orgId, @PathParam("pipelineId") UUID pipelineId,
                                    @PathParam("executionId") UUID executionId) {
        return executions.retry(orgId, pipelineId, executionId);
    }

    @GET
    @Path("/executions/{executionId}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-Sent Events: the execution as it is, then each change (status, stage, live progress) "
            + "until it has ended; the stream closes after the ended state")
    @APIResponse(responseCode = "429", description = "the caller holds as many open event streams as a user may "
            + "(too-many-streams); Retry-After says when to try again")
    public Multi<ExecutionView> events(@PathParam("orgId") UUID orgId, @PathParam("pipelineId") UUID pipelineId,
                                       @PathParam("executionId") UUID executionId, @Context ContainerRequestContext request) {
        // ExecutionEventsAdmission admitted the caller (or refused them with a problem) before the stream starts
        Object first = request.getProperty(ExecutionEventsAdmission.FIRST);
        Multi<ExecutionView> stream = first instanceof ExecutionView view ? executions.changesFrom(orgId, view)
                : executions.changes(orgId, pipelineId, executionId);
        // the response's end gives the stream's slot back too; whichever comes first, it is given back once
        return request.getProperty(ExecutionEventsAdmission.SLOT) instanceof ExecutionStreams.Slot slot
                ? stream.onTermination().invoke(slot::close) : stream;
    }

    private static Response accepted(UriInfo uri, UUID orgId, UUID pipelineId, ExecutionView execution) {
        return Response.accepted(execution)
                .location(uri.getBaseUriBuilder().path("api/v1/organizations/{org}/pipelines/{pipeline}/executions/{execution}")
                        .build(orgId, pipelineId, execution.id()))
                .build();
    }
}
