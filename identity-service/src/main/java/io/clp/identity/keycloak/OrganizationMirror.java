package io.clp.identity.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.events.AggregateTypes;
import io.clp.events.CloudEventHeaders;
import io.clp.events.identity.ApiKeyCreated;
import io.clp.events.identity.ApiKeyRevoked;
import io.clp.events.identity.MemberInvited;
import io.clp.events.identity.MembershipChanged;
import io.clp.platform.messaging.EventDelivery;
import io.clp.platform.messaging.EventHeaders;
import io.clp.platform.messaging.EventJson;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Mirrors organizations, memberships, invitations and API keys into Keycloak as identity events
 * arrive. An event is only a hint of what changed: the mirror loads identity-service's own rows by
 * the ids the event names and applies what those rows say ({@link KeycloakOrganizations},
 * {@link ApiKeyClients}), never the event's payload. So an event that lies (say, an
 * {@code api-key.created} for a key that does not exist or was revoked) changes nothing, an event
 * that arrives late cannot bring back an older state, and a redelivered event is applied once.
 *
 * <p>A new organization gets its Keycloak organization (alias = slug, attribute {@code clp_org_id}),
 * one organization group per role carrying that realm role, and its members in their role's group;
 * an invitee gets an account for their e-mail (bound to their user row on their first call, see
 * {@code Users}); a deleted organization is disabled. Tokens
 * requested with the {@code organization} scope then name the caller's organizations and roles.
 *
 * <p>It runs after the identity change committed (it consumes the outbox event), so a Keycloak outage
 * never blocks or loses a change. Failures are settled as every CLP consumer settles them
 * ({@link EventDelivery}): a transient one (Keycloak down, 5xx, 429, 401, connection refused) is
 * retried with back-off in the handler for a bounded time (well under smallrye-kafka's 60 s limit for
 * an unacknowledged record, past which the channel would be closed), then again from the channel's
 * delayed retry topics until Keycloak answers, and dead-lettered only when those are spent; an event
 * that can never be applied (unreadable) goes to the dead-letter topic at once. The
 * {@link KeycloakReconciler} still repairs from identity's rows whatever was missed.
 */
@ApplicationScoped
public class OrganizationMirror {

    private static final String ORGANIZATION_EVENTS = "io.clp." + AggregateTypes.ORGANIZATION + ".";

    private final KeycloakOrganizations organizations;
    private final ApiKeyClients apiKeyClients;
    private final IdentityTruth truth;
    private final ObjectMapper json;
    private final EventDelivery delivery;

    public OrganizationMirror(KeycloakOrganizations organizations, ApiKeyClients apiKeyClients, IdentityTruth truth,
                              @EventJson ObjectMapper json, EventDelivery delivery) {
        this.delivery = delivery;
        this.organizations = organizations;
        this.apiKeyClients = apiKeyClients;
        this.truth = truth;
        this.json = json;
    }

    @Incoming("organization-mirror")
    public CompletionStage<Void> onOrganizationEvent(Message<String> message) {
        String type = header(message, CloudEventHeaders.TYPE);
        return delivery.deliver(message, "identity-keycloak-mirror", () -> apply(type, message.getPayload()));
    }

    /** Applies the rows an event of {@code type} points at; other event types are ignored. */
    Uni<Void> apply(String type, String payload) {
        if (type == null) {
            return Uni.createFrom().voidItem();
        }
        JsonNode event;
        try {
            event = json.readTree(payload);
        } catch (IOException e) {
            return Uni.createFrom().failure(new IllegalArgumentException("unreadable event payload: " + e.getMessage(), e));
        }
        if (type.startsWith(ORGANIZATION_EVENTS)) {
            return organizations.sync(id(event, "id")).replaceWithVoid();
        }
        if (MembershipChanged.TYPE.equals(type)) {
            // a key may have a client only while its creator's membership covers it: their keys follow the change
            UUID orgId = id(event, "organizationId");
            UUID userId = id(event, "userId");
            return organizations.sync(orgId).chain(() -> truth.keyIds(orgId, userId)).chain(keyIds -> {
                Uni<Void> chain = Uni.createFrom().voidItem();
                for (UUID keyId : keyIds) {
                    chain = chain.chain(() -> apiKeyClients.sync(keyId, null));
                }
                return chain;
            });
        }
        if (MemberInvited.TYPE.equals(type)) {
            return organizations.sync(id(event, "organizationId")).replaceWithVoid();
        }
        if (ApiKeyCreated.TYPE.equals(type) || ApiKeyRevoked.TYPE.equals(type)) {
            return apiKeyClients.sync(id(event, "id"), event.path("clientId").asText(null));
        }
        return Uni.createFrom().voidItem();
    }

    private static UUID id(JsonNode event, String field) {
        try {
            return UUID.fromString(event.path(field).asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the event names no valid " + field, e);
        }
    }

    static int status(Throwable e) {
        return e instanceof jakarta.ws.rs.WebApplicationException w ? w.getResponse().getStatus() : -1;
    }

    private static String header(Message<?> message, String name) {
        return EventHeaders.read(message, name).orElse(null);
    }
}
