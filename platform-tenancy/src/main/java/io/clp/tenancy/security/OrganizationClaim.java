package io.clp.tenancy.security;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the {@code organization} claim that Keycloak puts in access tokens requested with the
 * {@code organization} scope:
 * <pre>{"organization": {"acme": {"id": "&lt;keycloak org id&gt;", "clp_org_id": ["&lt;uuid&gt;"],
 *     "groups": ["/admin"], "realm_access": {"roles": ["admin"]}}}}</pre>
 * The CLP organization id comes from the {@code clp_org_id} attribute that identity-service sets on
 * the Keycloak organization; roles come from the organization groups' realm-role mappings.
 */
public final class OrganizationClaim {

    public static final String CLAIM = "organization";
    public static final String ORG_ID_ATTRIBUTE = "clp_org_id";

    private OrganizationClaim() {
    }

    public static Map<UUID, Set<Role>> memberships(Object claim) {
        if (!(claim instanceof JsonObject organizations)) {
            return Map.of();
        }
        Map<UUID, Set<Role>> result = new HashMap<>();
        for (JsonValue value : organizations.values()) {
            if (!(value instanceof JsonObject org)) {
                continue;
            }
            Optional<UUID> orgId = clpOrgId(org);
            if (orgId.isEmpty()) {
                continue;
            }
            Set<Role> roles = EnumSet.noneOf(Role.class);
            JsonValue realmAccess = org.get("realm_access");
            if (realmAccess instanceof JsonObject access && access.get("roles") instanceof JsonArray array) {
                for (JsonValue role : array) {
                    if (role instanceof JsonString s) {
                        Role.parse(s.getString()).ifPresent(roles::add);
                    }
                }
            }
            result.put(orgId.get(), Collections.unmodifiableSet(roles));
        }
        return Collections.unmodifiableMap(result);
    }

    private static Optional<UUID> clpOrgId(JsonObject org) {
        JsonValue attr = org.get(ORG_ID_ATTRIBUTE);
        String text = null;
        if (attr instanceof JsonArray array && !array.isEmpty() && array.get(0) instanceof JsonString s) {
            text = s.getString();
        } else if (attr instanceof JsonString s) {
            text = s.getString();
        }
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
