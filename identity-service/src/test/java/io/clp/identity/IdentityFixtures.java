package io.clp.identity;

import io.clp.testing.TestDatabase;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.restassured.http.ContentType;

import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Organizations and members for identity-service tests, made through the API where it can. */
public final class IdentityFixtures {

    private IdentityFixtures() {
    }

    /** An organization created through the API by {@code admin}, who becomes its admin. */
    public static UUID organizationOf(User admin) {
        String slug = "org-" + UUID.randomUUID().toString().substring(0, 12);
        String id = given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON)
                .body("{\"name\": \"Org " + slug + "\", \"slug\": \"" + slug + "\"}")
                .when().post("/api/v1/organizations")
                .then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    /** A user who is a member of {@code orgId} with {@code role} (written directly: invitations come later). */
    public static User memberOf(UUID orgId, String role) {
        User user = User.withoutOrganizations();
        TestDatabase.execute("INSERT INTO identity.users (id, email, name, auth_provider_id) VALUES (?, ?, ?, ?)",
                user.id(), user.email(), "Member " + role, user.id().toString());
        TestDatabase.execute("INSERT INTO identity.org_memberships (org_id, user_id, role, joined_at) "
                + "VALUES (?, ?, CAST(? AS identity.user_role), now())", orgId, user.id(), role);
        return user;
    }

    /** A grant of view and edit on a random campaign to a member (written directly). */
    public static UUID grantTo(UUID orgId, UUID userId) {
        UUID id = UUID.randomUUID();
        TestDatabase.execute("INSERT INTO identity.entity_permissions (id, org_id, user_id, entity_type, entity_id, permissions) "
                + "VALUES (?, ?, ?, 'campaign', ?, '[\"view\", \"edit\"]'::jsonb)", id, orgId, userId, UUID.randomUUID());
        return id;
    }

    /** An active API key of a member with the scope campaign:read (written directly; its secret is unknown). */
    public static UUID apiKeyOf(UUID orgId, UUID userId) {
        UUID id = UUID.randomUUID();
        TestDatabase.execute("INSERT INTO identity.auth_tokens (id, user_id, org_id, token_type, token_hash, token_prefix, scopes, "
                + "name, expires_at) VALUES (?, ?, ?, 'api_key', ?, ?, '[\"campaign:read\"]'::jsonb, 'fixture key', "
                + "now() + interval '30 days')", id, userId, orgId, "hash-" + id, id.toString().substring(0, 8));
        return id;
    }
}
