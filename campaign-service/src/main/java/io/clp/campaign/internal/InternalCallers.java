package io.clp.campaign.internal;

import io.clp.platform.problem.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Who may call {@code /internal/v1}: only the service accounts named in {@code clp.internal.callers}
 * (Keycloak confidential clients, client-credentials grant) holding the realm role {@value #ROLE}. The path has its
 * own OIDC tenant whose audience is {@code clp-internal}, so a user's token or an API key's (audience
 * {@code clp-api}) is refused before this check; this check also refuses any other client that got the audience,
 * and a token that carries an API key's claim. Fails closed: a token it cannot read is refused (403).
 */
@ApplicationScoped
public class InternalCallers {

    /** The realm role a service account needs to read campaign-service's entities and mint DSP access. */
    public static final String ROLE = "clp-internal:campaign.read";
    static final String AUDIENCE = "clp-internal";

    private final Set<String> callers;

    InternalCallers(@ConfigProperty(name = "clp.internal.callers", defaultValue = "clp-pipeline-service") List<String> callers) {
        this.callers = Set.copyOf(callers);
    }

    /** The calling client's id, once the token is known to be an allowed service account's; else a 403 problem. */
    public String require(JsonWebToken token) {
        if (token == null || token.getRawToken() == null) {
            throw Problems.unauthorized();
        }
        Object audience = token.getAudience();
        if (audience == null || !token.getAudience().contains(AUDIENCE)) {
            throw Problems.forbidden("internal calls take a service account's token (audience " + AUDIENCE + ")");
        }
        if (token.containsClaim("clp_api_key") || token.containsClaim("organization")) {
            throw Problems.forbidden("internal calls take a service account's token, not a person's or an API key's");
        }
        String client = firstNonBlank(token.getClaim("azp"), token.getClaim("client_id"));
        if (client == null || !callers.contains(client)) {
            throw Problems.forbidden("the client is not allowed to call campaign-service's internal API");
        }
        if (!roles(token).contains(ROLE)) {
            throw Problems.forbidden("the service account lacks the role " + ROLE);
        }
        return client;
    }

    private static Collection<String> roles(JsonWebToken token) {
        Object realmAccess = token.getClaim("realm_access");
        if (realmAccess instanceof jakarta.json.JsonObject json && json.get("roles") instanceof jakarta.json.JsonArray array) {
            return array.getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).toList();
        }
        return List.of();
    }

    private static String firstNonBlank(Object a, Object b) {
        for (Object o : new Object[] {a, b}) {
            String s = o == null ? null : o instanceof jakarta.json.JsonString js ? js.getString() : o.toString();
            if (s != null && !s.isBlank()) {
                return s;
            }
        }
        return null;
    }
}
