package io.clp.platform.web;

import io.clp.platform.problem.Problems;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.util.List;
import java.util.Map;

/**
 * Cross-cutting request handling: the request id (accepted from the caller or made here, put in the
 * log context and echoed back) and parameters PostgreSQL could not store. Body limits live in
 * {@link BodySizeLimit} (declared length) and {@link RequestBodies} (bytes actually read).
 */
public class RequestFilters {

    private static final String NUL = "must not contain the NUL character (U+0000)";

    @Inject
    RequestIds requestIds;

    @ServerRequestFilter(preMatching = true)
    public void identify(ContainerRequestContext request) {
        requestIds.accept(request.getHeaderString(RequestIds.HEADER));
        MDC.put("requestId", requestIds.current());
    }

    /**
     * PostgreSQL cannot store the NUL character in text: a path or query parameter holding one is a
     * 400 naming it, before it reaches a query (JSON bodies are checked by {@link RequestBodies}).
     */
    @ServerRequestFilter(preMatching = true)
    public void refuseNul(ContainerRequestContext request, HttpServerRequest http) {
        if (!mayHoldNul(http.uri())) {
            return;
        }
        UriInfo uri = request.getUriInfo();
        if (uri.getPath(true).indexOf('\0') >= 0) {
            throw Problems.validation("path", NUL);
        }
        for (Map.Entry<String, List<String>> parameter : uri.getQueryParameters(true).entrySet()) {
            if (parameter.getKey().indexOf('\0') >= 0 || parameter.getValue().stream().anyMatch(v -> v.indexOf('\0') >= 0)) {
                throw Problems.validation(parameter.getKey().replace("\0", "\\u0000"), NUL);
            }
        }
    }

    /**
     * Whether a raw request target may decode to a NUL: only an escaped one ({@code %00}) or a raw one does. Most
     * requests hold neither, and skip decoding the path and every parameter a second time.
     */
    static boolean mayHoldNul(String rawTarget) {
        return rawTarget == null || rawTarget.indexOf('\0') >= 0 || rawTarget.contains("%00");
    }

    @ServerResponseFilter
    public void echo(ContainerResponseContext response) {
        response.getHeaders().putSingle(RequestIds.HEADER, requestIds.current());
        MDC.remove("requestId");
    }
}
