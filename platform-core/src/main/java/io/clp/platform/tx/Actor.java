package io.clp.platform.tx;

import io.clp.events.CloudEventHeaders;
import io.clp.platform.web.HttpRequestContexts;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InjectableContext;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who is behind the current unit of work: the authenticated caller of an HTTP request, or the
 * service itself when it acts on a message or a schedule. Work a consumer does because of an event
 * is attributed to the event's actor through the service ({@link #causedBy}).
 */
@Singleton
public class Actor {

    /**
     * The actors an event may name: a user's Keycloak subject, an API key's prefix, a service. Anything
     * else is ignored, so a header cannot smuggle text (a forged "via", a second user) into the audit trail.
     */
    static final Pattern EVENT_ACTOR = Pattern.compile(CloudEventHeaders.ACTOR_FORMAT);

    @Inject
    Instance<RequestCaller> caller;

    @Inject
    CurrentVertxRequest httpRequest;

    @ConfigProperty(name = "clp.service.name")
    String serviceName;

    /**
     * What a transaction records about its actor ({@code transaction_context}) and how it is scoped for
     * row-level security: a request's caller sees what their user may see ({@code userId}); work the
     * service does ({@code system}) runs in the service's own scope, even when it is done for a user,
     * whose id is then recorded for the audit trail only.
     */
    public record Identity(String actor, String userId, String name, String requestId, boolean system) {
    }

    public Identity current() {
        InjectableContext requestContext = Arc.container().getActiveContext(RequestScoped.class);
        // only an HTTP request has a caller; schedulers and consumers also run with a request context,
        // where asking for the identity would block the event loop
        if (requestContext != null && httpRequest.getCurrent() != null) {
            if (!caller.isResolvable()) {
                // without a caller, a request's work would run in the service's own (unrestricted) scope
                throw new IllegalStateException("no single RequestCaller bean: a request cannot be scoped to its caller");
            }
            RequestCaller who = caller.get();
            if (who.authenticated()) {
                return new Identity(who.actor(), who.userId().toString(), who.displayName(), who.requestId(), false);
            }
        } else if (HttpRequestContexts.onRequest()) {
            // a request's own work that can no longer find its caller (it outlived the request, or lost its context):
            // refused, never run in the service's unrestricted scope
            throw new IllegalStateException("a request's work ran without the request's context: refused rather than run as the service");
        }
        return service();
    }

    /** The service acting for itself: {@code system:<service>}. */
    public Identity service() {
        return new Identity("system:" + serviceName, null, serviceName, null, true);
    }

    /**
     * The service acting because of an event whose {@code ce_actor} is {@code eventActor}:
     * {@code "<actor> via <service>"} (for example {@code user:<id> via campaign}), with the user's id
     * when the actor is a user, in the service's own scope. An event without a well-formed actor is
     * the service's own doing: {@code system:<service>}.
     */
    public Identity causedBy(String eventActor) {
        Matcher actor = eventActor == null ? null : EVENT_ACTOR.matcher(eventActor);
        if (actor == null || !actor.matches()) {
            return service();
        }
        return new Identity(eventActor + " via " + serviceName, actor.group(1), serviceName, null, true);
    }

    public String serviceName() {
        return serviceName;
    }
}
