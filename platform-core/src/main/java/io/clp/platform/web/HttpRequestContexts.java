package io.clp.platform.web;

import io.quarkus.vertx.http.runtime.RouteConstants;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Marks the Vert.x context of each HTTP request as a request's, before the application's handlers run (ahead of
 * the body limit, the REST layer and everything after them): work found on a marked
 * context belongs to a caller, even where it can no longer find the caller's request context (a step that outlived
 * its request, or that lost its context). {@link io.clp.platform.tx.Actor} refuses such work rather than run it in the
 * service's own scope. Consumers and schedulers run on contexts of their own, which are never marked.
 */
@ApplicationScoped
public class HttpRequestContexts {

    private static final String MARK = "clp.http-request";

    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 2).handler(HttpRequestContexts::mark);
    }

    static void mark(RoutingContext routing) {
        markCurrent();
        routing.next();
    }

    /** Marks the current Vert.x context as an HTTP request's, as the router does for each request. */
    public static void markCurrent() {
        if (VertxContext.isOnDuplicatedContext()) {
            ContextLocals.put(MARK, Boolean.TRUE);
        }
    }

    /** Whether the current Vert.x context is an HTTP request's. */
    public static boolean onRequest() {
        return VertxContext.isOnDuplicatedContext() && ContextLocals.get(MARK).isPresent();
    }
}
