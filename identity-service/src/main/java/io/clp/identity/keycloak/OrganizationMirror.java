package io.clp.identity.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.events.AggregateTypes;
import io.clp.events.CloudEventHeaders;
import io.clp.events.identity.ApiKeyCreated;
import io.clp.events.identity.ApiKeyRevoked;
import io.clp.events.identity.MemberInvited;
import io.clp.events.identity.MembershipChanged;
import io.clp.platform.messaging.EventHeaders;
import io.clp.platform.messaging.EventJson;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
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
 * never blocks or loses a change: the event is retried with back-off for a bounded time, and what
 * Keycloak still refuses then is left to the {@link KeycloakReconciler}, which applies identity's rows
 * on its next pass. Only an event that can never be applied (unreadable) goes to the dead-letter topic.
 */
@ApplicationScoped
public class OrganizationMirror {

    private static final Logger LOG = Logger.getLogger(OrganizationMirror.class);
    private static final String ORGANIZATION_EVENTS = "io.clp." + AggregateTypes.ORGANIZATION + ".";

    private final KeycloakOrganizations organizations;
    private final ApiKeyClients apiKeyClients;
    private final IdentityTruth truth;
    private final ObjectMapper json;

    public OrganizationMirror(KeycloakOrganizations organizations, ApiKeyClients apiKeyClients, IdentityTruth truth,
                              @EventJson ObjectMapper json) {
        this.organizations = organizations;
        this.apiKeyClients = apiKeyClients;
        this.truth = truth;
        this.json = json;
    }

    /**
     * How long an event is retried in the handler. smallrye-kafka stops the whole consumer when a
     * record waits longer than 60 s for its acknowledgement (throttled commit), so retries end well
     * before that.
     */
    static final Duration RETRY_WITHIN = Duration.ofSeconds(40);

    @Incoming("organization-mirror")
    public CompletionStage<Void> onOrganizationEvent(Message<String> message) {
        String type = header(message, CloudEventHeaders.TYPE);
        Uni<Void> work = Uni.createFrom().deferred(() -> apply(type, message.getPayload()))
                .onFailure(OrganizationMirror::transientFailure).invoke(e -> LOG.warnf(
                        "mirroring %s %s into Keycloak failed, will retry: %s", type,
                        header(message, CloudEventHeaders.SUBJECT), e.toString()))
                .onFailure(OrganizationMirror::transientFailure).retry()
                .withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(10)).expireIn(RETRY_WITHIN.toMillis());
        return work.subscribeAsCompletionStage()
                .thenCompose(v -> message.ack())
                .exceptionallyCompose(e -> {
                    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (transientFailure(cause)) {
                        // the event is only a hint and identity's rows are the truth: the reconciler's next
                        // pass applies them once Keycloak answers again, so nothing is lost by moving on
                        LOG.warnf("Keycloak did not take %s %s within %s; the reconciler applies it on its next pass: %s", type,
                                header(message, CloudEventHeaders.SUBJECT), RETRY_WITHIN, cause.toString());
                        return message.ack();
                    }
                    LOG.errorf(cause, "could not mirror event %s into Keycloak; it goes to the dead-letter topic",
                            header(message, CloudEventHeaders.ID));
                    return message.nack(cause);
                });
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

    static boolean transientFailure(Throwable e) {
        if (e instanceof IllegalArgumentException) {
            return false;
        }
        if (e instanceof IllegalStateException) {
            return true;
        }
        int status = status(e);
        return status == -1 || status >= 500 || status == 429 || status == 401;
    }

    static int status(Throwable e) {
        return e instanceof WebApplicationException w ? w.getResponse().getStatus() : -1;
    }

    private static String header(Message<?> message, String name) {
        return EventHeaders.read(message, name).orElse(null);
    }
}
