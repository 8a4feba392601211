package io.clp.pipeline.execution;

import io.clp.platform.problem.Problems;
import io.clp.platform.tx.RequestCaller;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import java.time.Duration;
import java.util.UUID;

/**
 * Admits the caller of an execution's event stream before the stream starts: once a Server-Sent Events response has
 * begun, a refusal (403, 404, 429) could no longer be sent as a problem. The execution as read is handed to
 * {@link ExecutionResource#events} as the stream's first item. An admitted stream holds one of the user's
 * {@link ExecutionStreams} slots until its response ends.
 */
class ExecutionEventsAdmission {

    static final String FIRST = ExecutionEventsAdmission.class.getName() + ".first";
    static final String SLOT = ExecutionEventsAdmission.class.getName() + ".slot";
    /** How long a refused client should wait: about as long as a short-lived stream lasts. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    private final Executions executions;
    private final ExecutionStreams streams;
    private final RequestCaller caller;

    ExecutionEventsAdmission(Executions executions, ExecutionStreams streams, RequestCaller caller) {
        this.executions = executions;
        this.streams = streams;
        this.caller = caller;
    }

    @ServerRequestFilter
    Uni<Void> admit(ContainerRequestContext request, SimpleResourceInfo resource, RoutingContext routing) {
        if (resource == null || resource.getResourceClass() != ExecutionResource.class || !"events".equals(resource.getMethodName())) {
            return Uni.createFrom().voidItem();
        }
        var path = request.getUriInfo().getPathParameters();
        UUID orgId;
        UUID pipelineId;
        UUID executionId;
        try {
            orgId = UUID.fromString(path.getFirst("orgId"));
            pipelineId = UUID.fromString(path.getFirst("pipelineId"));
            executionId = UUID.fromString(path.getFirst("executionId"));
        } catch (RuntimeException malformed) {
            // the resource method's own UUID parameters answer it as any other endpoint does
            return Uni.createFrom().voidItem();
        }
        return executions.get(orgId, pipelineId, executionId).invoke(first -> {
            UUID userId = caller.userId();
            ExecutionStreams.Slot slot = streams.open(userId).orElseThrow(() -> Problems.tooManyRequests("too-many-streams",
                    "at most " + streams.perUser() + " execution event streams may be open per user (and "
                            + streams.total() + " on this instance); close one, or read GET .../executions/{id}",
                    RETRY_AFTER));
            // the response's end, however it comes (the last item, a failure, the client gone), gives the slot back; a
            // client gone while it was being admitted closed the response before the handler was there to hear it
            routing.addEndHandler(ended -> slot.close());
            if (routing.response().closed() || routing.response().ended()) {
                slot.close();
            }
            request.setProperty(SLOT, slot);
            request.setProperty(FIRST, first);
        }).replaceWithVoid();
    }
}
