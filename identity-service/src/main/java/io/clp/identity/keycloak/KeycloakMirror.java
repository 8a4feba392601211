package io.clp.identity.keycloak;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.events.CloudEventHeaders;
import io.clp.events.identity.ApiKeyCreated;
import io.clp.events.identity.ApiKeyRevoked;
import io.clp.events.identity.MemberInvited;
import io.clp.events.identity.MembershipChanged;
import io.clp.events.identity.OrganizationEvent;
import io.clp.platform.messaging.EventDelivery;
import io.clp.platform.messaging.EventHandlers;
import io.clp.platform.messaging.EventHeaders;
import io.clp.platform.messaging.EventJson;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Delivers identity's own organization, membership and API key events to the Keycloak mirrors
 * ({@link OrganizationMirror}, {@link ApiKeyMirror}). One channel for both (consumer group
 * {@code identity-keycloak-mirror}) keeps a membership change in order with the events around it
 * and mirrors the organization before the member's keys are re-checked.
 *
 * <p>It runs after the identity change committed (it consumes the outbox event), so a Keycloak outage
 * never blocks or loses a change. Failures are settled as every CLP consumer settles them
 * ({@link EventDelivery}): a transient one (Keycloak down, 5xx, 429, 401, connection refused) is
 * retried with back-off in the handler for a bounded time (well under smallrye-kafka's 60 s limit for
 * an unacknowledged record, past which the channel would be closed), then again from the channel's
 * delayed retry topics until Keycloak answers, and dead-lettered only when those are spent; an event
 * that can never be applied (unreadable, naming no valid id) goes to the dead-letter topic at once.
 * The {@link KeycloakReconciler} still repairs from identity's rows whatever was missed.
 */
@ApplicationScoped
public class KeycloakMirror {

    private final EventDelivery delivery;
    private final EventHandlers<Void> handlers;

    public KeycloakMirror(OrganizationMirror organizations, ApiKeyMirror apiKeys, @EventJson ObjectMapper json,
                          EventDelivery delivery) {
        this.delivery = delivery;
        this.handlers = EventHandlers.<Void>reading(json)
                .on(OrganizationEvent.class, (event, none) -> organizations.organizationChanged(event))
                .on(MembershipChanged.class, (event, none) -> {
                    named(event.userId(), "userId");
                    return organizations.membershipChanged(event).chain(() -> apiKeys.membershipChanged(event));
                })
                .on(MemberInvited.class, (event, none) -> organizations.memberInvited(event))
                .on(ApiKeyCreated.class, (key, none) -> apiKeys.keyChanged(key.id(), key.clientId()))
                .on(ApiKeyRevoked.class, (key, none) -> apiKeys.keyChanged(key.id(), key.clientId()))
                .build();
    }

    @Incoming("organization-mirror")
    public CompletionStage<Void> onIdentityEvent(Message<String> message) {
        String type = EventHeaders.read(message, CloudEventHeaders.TYPE).orElse(null);
        return delivery.deliver(message, "identity-keycloak-mirror", () -> apply(type, message.getPayload()));
    }

    /** Applies the rows an event of {@code type} points at; other event types (or none) are skipped. */
    Uni<Void> apply(String type, String payload) {
        try {
            return handlers.dispatch(type, payload, null);
        } catch (Exception e) {
            // unreadable (a Jackson exception) or naming no valid id: permanent either way (Failures)
            return Uni.createFrom().failure(e);
        }
    }

    /** {@code id}, which the event names as {@code field}; an event without it can never be applied. */
    static UUID named(UUID id, String field) {
        if (id == null) {
            throw new IllegalArgumentException("the event names no valid " + field);
        }
        return id;
    }
}
