package io.clp.identity.keycloak;

import io.clp.events.identity.MembershipChanged;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Mirrors API keys into Keycloak as their events arrive ({@link KeycloakMirror} delivers them): one
 * client {@code clp-key-<prefix>} per usable key ({@link ApiKeyClients}: active, unexpired, of a live
 * organization, its creator still an active member whose role covers its scopes), none for any other.
 * An event is only a hint: the key it names is brought into line with identity-service's own rows,
 * so an {@code api-key.created} for a key that does not exist or was revoked creates nothing.
 */
@ApplicationScoped
public class ApiKeyMirror {

    private final ApiKeyClients apiKeyClients;
    private final IdentityTruth truth;

    public ApiKeyMirror(ApiKeyClients apiKeyClients, IdentityTruth truth) {
        this.apiKeyClients = apiKeyClients;
        this.truth = truth;
    }

    /** A key was created or revoked; {@code clientId} is only a hint of the client a key left behind. */
    Uni<Void> keyChanged(UUID keyId, String clientId) {
        return apiKeyClients.sync(KeycloakMirror.named(keyId, "id"), clientId);
    }

    /** A key may have a client only while its creator's membership covers it: their keys follow the change. */
    Uni<Void> membershipChanged(MembershipChanged event) {
        UUID orgId = KeycloakMirror.named(event.organizationId(), "organizationId");
        UUID userId = KeycloakMirror.named(event.userId(), "userId");
        return truth.keyIds(orgId, userId).chain(keyIds -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (UUID keyId : keyIds) {
                chain = chain.chain(() -> apiKeyClients.sync(keyId, null));
            }
            return chain;
        });
    }
}
