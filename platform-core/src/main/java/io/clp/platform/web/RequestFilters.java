package io.clp.platform.web;

import io.clp.platform.problem.Problems;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Cross-cutting request handling: the request id (accepted from the caller or made here, put in the
 * log context and echoed back) and the body-size limit, answered with a 413 problem document.
 */
public class RequestFilters {

    @Inject
    RequestIds requestIds;

    @ConfigProperty(name = "clp.api.max-body-bytes", defaultValue = "1048576")
    long maxBodyBytes;

    @ServerRequestFilter(preMatching = true)
    public void identify(ContainerRequestContext request) {
        requestIds.accept(request.getHeaderString(RequestIds.HEADER));
        MDC.put("requestId", requestIds.current());
    }

    @ServerRequestFilter(preMatching = true)
    public void limitBody(ContainerRequestContext request) {
        String length = request.getHeaderString("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > maxBodyBytes) {
                    throw Problems.tooLarge(maxBodyBytes);
                }
            } catch (NumberFormatException e) {
                throw Problems.malformed("Content-Length is not a number");
            }
        }
    }

    @ServerResponseFilter
    public void echo(ContainerResponseContext response) {
        response.getHeaders().putSingle(RequestIds.HEADER, requestIds.current());
        MDC.remove("requestId");
    }
}
