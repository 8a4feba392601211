package io.clp.identity.keycloak;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.events.identity.ApiKeyCreated;
import io.clp.platform.security.ApiKeyClaim;
import io.clp.platform.security.ApiKeyCredential;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Keycloak client that stands for each API key ({@code clp-key-<prefix>}): a confidential
 * service-account client that authenticates with a JWT signed by the key (Keycloak holds only the
 * key's public half), whose access tokens carry the audience {@code clp-api} and the
 * {@code clp_api_key} claim (key id, organization, creator, scopes, expiry) and live 60 seconds.
 * Deleting the client is what revokes the key in Keycloak.
 */
@ApplicationScoped
public class ApiKeyClients {

    /** Lifespan of the access tokens a key's client gets: the longest a token outlives its key's revocation. */
    static final int TOKEN_LIFESPAN_SECONDS = 60;
    static final int MAX_CLIENTS = 10_000;

    @Inject
    @RestClient
    KeycloakAdminApi keycloak;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "clp.keycloak.realm")
    String realm;

    /** Creates the key's client unless it exists. */
    public Uni<Void> ensure(ApiKeyCreated key) {
        return keycloak.findClients(realm, key.clientId(), false, 0, 1).chain(found -> found.isEmpty()
                ? keycloak.createClient(realm, representation(key))
                        .onFailure(e -> OrganizationMirror.status(e) == 409).recoverWithNull().replaceWithVoid()
                : Uni.createFrom().voidItem());
    }

    /** Deletes the key's client; a client already gone is fine. */
    public Uni<Void> remove(String clientId) {
        return keycloak.findClients(realm, clientId, false, 0, 1).chain(found -> found.isEmpty()
                ? Uni.createFrom().voidItem()
                : keycloak.deleteClient(realm, (String) found.get(0).get("id"))
                        .onFailure(e -> OrganizationMirror.status(e) == 404).recoverWithNull().replaceWithVoid());
    }

    /** The client ids of every API key client Keycloak has. */
    public Uni<Set<String>> existing() {
        return keycloak.findClients(realm, ApiKeyCredential.CLIENT_PREFIX, true, 0, MAX_CLIENTS)
                .map(clients -> clients.stream().map(c -> (String) c.get("clientId"))
                        .filter(id -> id != null && id.startsWith(ApiKeyCredential.CLIENT_PREFIX))
                        .collect(Collectors.toSet()));
    }

    Map<String, Object> representation(ApiKeyCreated key) {
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("id", key.id().toString());
        claim.put("org", key.organizationId().toString());
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
        attributes.put("clp.api_key.id", key.id().toString());
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("clientId", key.clientId());
        client.put("name", "API key " + key.prefix());
        client.put("description", "CLP API key " + key.id() + " of organization " + key.organizationId());
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
