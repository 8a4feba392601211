package io.clp.platform.tx;

import io.clp.platform.security.Caller;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InjectableContext;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who is behind the current unit of work: the authenticated caller of an HTTP request, or the
 * service itself when it acts on a message or a schedule.
 */
@ApplicationScoped
public class Actor {

    @Inject
    Caller caller;

    @Inject
    CurrentVertxRequest httpRequest;

    @ConfigProperty(name = "clp.service.name")
    String serviceName;

    public record Identity(String actor, String userId, String name, String requestId) {
    }

    public Identity current() {
        InjectableContext requestContext = Arc.container().getActiveContext(RequestScoped.class);
        // only an HTTP request has a caller; schedulers and consumers also run with a request context,
        // where asking for the identity would block the event loop
        if (requestContext != null && httpRequest.getCurrent() != null && caller.authenticated()) {
            return new Identity(caller.actor(), caller.userId().toString(), caller.displayName(), caller.requestId());
        }
        return new Identity("system:" + serviceName, null, serviceName, null);
    }

    public String serviceName() {
        return serviceName;
    }
}
