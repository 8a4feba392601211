package io.clp.identity.keycloak;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.tenancy.security.ApiKeyClaim;
import io.clp.tenancy.security.ApiKeyCredential;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The Keycloak client that stands for each API key ({@code clp-key-<prefix>}): a confidential
 * service-account client that authenticates with a JWT signed by the key (Keycloak holds only the
 * key's public half), whose access tokens carry the audience {@code clp-api} and the
 * {@code clp_api_key} claim (key id, organization, creator, scopes, expiry) and live 60 seconds.
 * Deleting the client is what revokes the key in Keycloak.
 */
@ApplicationScoped
public class ApiKeyClients {

    private static final Logger LOG = Logger.getLogger(ApiKeyClients.class);
    /** Lifespan of the access tokens a key's client gets: the longest a token outlives its key's revocation. */
    static final int TOKEN_LIFESPAN_SECONDS = 60;
    /** The client attribute that names the key a client stands for. */
    static final String KEY_ID_ATTRIBUTE = "clp.api_key.id";
    static final int MAX_ROUNDS = 3;

    /** An API key client in Keycloak: its internal id, client id, and the key it stands for (if it says). */
    record KcClient(String id, String clientId, UUID keyId) {
    }

    private final KeycloakAdminApi keycloak;
    private final ObjectMapper json;
    private final IdentityTruth truth;
    private final KeycloakPages pages;
    private final MirrorLocks locks;
    private final String realm;

    public ApiKeyClients(@RestClient KeycloakAdminApi keycloak, ObjectMapper json, IdentityTruth truth, KeycloakPages pages,
                         MirrorLocks locks, KeycloakConfig config) {
        this.keycloak = keycloak;
        this.json = json;
        this.truth = truth;
        this.pages = pages;
        this.locks = locks;
        this.realm = config.realm();
    }

    /**
     * Gives the key the client its row calls for: one while the key is usable (active, unexpired, of
     * a live organization, its creator still a member whose role covers its scopes), none otherwise. The event that named the key is only a hint: a key that
     * does not exist, is revoked or expired gets no client, whatever the event says, and only a client
     * that names this very key is ever deleted. {@code clientIdHint} is used only when no row exists.
     * Runs under the key's {@link MirrorLocks lock}.
     */
    public Uni<Void> sync(UUID keyId, String clientIdHint) {
        return locks.key(keyId, () -> syncHeld(keyId, clientIdHint));
    }

    /** {@link #sync(UUID, String)} for a caller that already holds the key's lock. */
    Uni<Void> syncHeld(UUID keyId, String clientIdHint) {
        return sync(keyId, clientIdHint, 1);
    }

    private Uni<Void> sync(UUID keyId, String clientIdHint, int round) {
        return truth.key(keyId).chain(key -> {
            String clientId = key != null && key.prefix() != null ? ApiKeyCredential.clientIdOf(key.prefix()) : clientIdHint;
            if (clientId == null || !clientId.startsWith(ApiKeyCredential.CLIENT_PREFIX)) {
                return Uni.createFrom().voidItem();
            }
            return find(clientId).chain(current -> {
                Uni<Boolean> step = apply(keyId, key, current);
                // a second look at the row: a revocation that committed while the client was made removes it again
                return step.chain(acted -> acted && round < MAX_ROUNDS ? sync(keyId, clientIdHint, round + 1) : Uni.createFrom().voidItem());
            });
        });
    }

    /**
     * Makes one write call if the key's row and its client disagree; returns whether it made one.
     * {@code key} is the key's row as just read, or null when there is none.
     */
    Uni<Boolean> apply(UUID keyId, IdentityTruth.Key key, KcClient current) {
        boolean usable = key != null && key.usable(Instant.now());
        if (usable && current == null) {
            return keycloak.createClient(realm, representation(key))
                    .onFailure(e -> KeycloakStatus.of(e) == 409).recoverWithNull().replaceWith(true);
        }
        if (usable && !keyId.equals(current.keyId())) {
            LOG.warnf("API key %s cannot have its client %s: it stands for key %s", keyId, current.clientId(), current.keyId());
            return Uni.createFrom().item(false);
        }
        if (!usable && current != null && keyId.equals(current.keyId())) {
            return keycloak.deleteClient(realm, current.id())
                    .onFailure(e -> KeycloakStatus.of(e) == 404).recoverWithNull().replaceWith(true);
        }
        return Uni.createFrom().item(false);
    }

    /** The client with this client id, or null. */
    Uni<KcClient> find(String clientId) {
        return keycloak.findClients(realm, clientId, false, 0, 1)
                .map(found -> found.stream().map(ApiKeyClients::client).filter(c -> clientId.equals(c.clientId())).findFirst().orElse(null));
    }

    /** Every API key client Keycloak has, by client id (read page by page). */
    public Uni<Map<String, KcClient>> existing() {
        return pages.all((first, max) -> keycloak.findClients(realm, ApiKeyCredential.CLIENT_PREFIX, true, first, max))
                .map(clients -> {
                    Map<String, KcClient> byClientId = new LinkedHashMap<>();
                    clients.stream().map(ApiKeyClients::client)
                            .filter(c -> c.clientId() != null && c.clientId().startsWith(ApiKeyCredential.CLIENT_PREFIX))
                            .forEach(c -> byClientId.put(c.clientId(), c));
                    return byClientId;
                });
    }

    private static KcClient client(Map<String, Object> representation) {
        UUID keyId = null;
        if (representation.get("attributes") instanceof Map<?, ?> attributes && attributes.get(KEY_ID_ATTRIBUTE) instanceof String id) {
            try {
                keyId = UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                keyId = null;
            }
        }
        return new KcClient((String) representation.get("id"), (String) representation.get("clientId"), keyId);
    }

    Map<String, Object> representation(IdentityTruth.Key key) {
        String clientId = ApiKeyCredential.clientIdOf(key.prefix());
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("id", key.id().toString());
        claim.put("org", key.orgId().toString());
        claim.put("user", key.userId().toString());
        claim.put("scopes", key.scopes());
        if (key.expiresAt() != null) {
            claim.put("expires_at", key.expiresAt().getEpochSecond());
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("token.endpoint.auth.signing.alg", "ES256");
        attributes.put("use.jwks.url", "false");
        attributes.put("use.jwks.string", "true");
        attributes.put("jwks.string", write(Map.of("keys", List.of(key.publicJwk()))));
        attributes.put("access.token.lifespan", String.valueOf(TOKEN_LIFESPAN_SECONDS));
        attributes.put(KEY_ID_ATTRIBUTE, key.id().toString());
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("clientId", clientId);
        client.put("name", "API key " + key.prefix());
        client.put("description", "CLP API key " + key.id() + " of organization " + key.orgId());
        client.put("enabled", true);
        client.put("protocol", "openid-connect");
        client.put("publicClient", false);
        client.put("standardFlowEnabled", false);
        client.put("implicitFlowEnabled", false);
        client.put("directAccessGrantsEnabled", false);
        client.put("serviceAccountsEnabled", true);
        client.put("fullScopeAllowed", false);
        client.put("clientAuthenticatorType", "client-jwt");
        client.put("attributes", attributes);
        client.put("defaultClientScopes", List.of());
        client.put("optionalClientScopes", List.of());
        client.put("protocolMappers", List.of(
                Map.of("name", "clp-api audience", "protocol", "openid-connect", "protocolMapper", "oidc-audience-mapper",
                        "config", Map.of("included.custom.audience", "clp-api", "access.token.claim", "true",
                                "id.token.claim", "false", "introspection.token.claim", "true")),
                Map.of("name", ApiKeyClaim.CLAIM, "protocol", "openid-connect", "protocolMapper", "oidc-hardcoded-claim-mapper",
                        "config", Map.of("claim.name", ApiKeyClaim.CLAIM, "claim.value", write(claim), "jsonType.label", "JSON",
                                "access.token.claim", "true", "id.token.claim", "false", "userinfo.token.claim", "false",
                                "introspection.token.claim", "true"))));
        return client;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
