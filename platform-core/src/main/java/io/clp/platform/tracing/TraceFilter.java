package io.clp.platform.tracing;

import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * An HTTP request continues the caller's trace (its W3C {@code traceparent} header, when well-formed)
 * or starts a new one; what the request publishes carries it on ({@link Traces}).
 */
public class TraceFilter {

    @ServerRequestFilter(preMatching = true)
    public void continueTrace(ContainerRequestContext request) {
        Traces.enter(Traces.continueOrStart(request.getHeaderString(Traces.HEADER)));
    }
}
