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
}
