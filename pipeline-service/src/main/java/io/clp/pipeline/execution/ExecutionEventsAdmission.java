package io.clp.pipeline.execution;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import java.util.UUID;

/**
 * Admits the caller of an execution's event stream before the stream starts: once a Server-Sent Events response has
 * begun, a refusal (403, 404) could no longer be sent as a problem. The execution as read is handed to
 * {@link ExecutionResource#events} as the stream's first item.
 */
class ExecutionEventsAdmission {

    static final String FIRST = ExecutionEventsAdmission.class.getName() + ".first";

    private final Executions executions;

    ExecutionEventsAdmission(Executions executions) {
        this.executions = executions;
    }

    @ServerRequestFilter
    Uni<Void> admit(ContainerRequestContext request, SimpleResourceInfo resource) {
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
        return executions.get(orgId, pipelineId, executionId).invoke(first -> request.setProperty(FIRST, first)).replaceWithVoid();
    }
}
