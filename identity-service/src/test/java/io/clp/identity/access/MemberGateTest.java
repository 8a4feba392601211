package io.clp.identity.access;

import io.clp.identity.IdentityFixtures;
import io.clp.tenancy.work.OrganizationGate;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class MemberGateTest {

    @Inject
    OrganizationGate gate;

    @Test
    void identityAdmitsThroughItsOwnGateNotTheTokenGate() {
        assertThat(ClientProxy.unwrap(gate)).isInstanceOf(MemberGate.class);
    }

    @Test
    void aRoleIsReadFromIdentitysTablesWhateverTheTokenClaims() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User viewer = IdentityFixtures.memberOf(orgId, "viewer");
        // a token that still names the member an admin (issued before a demotion, say) changes nothing here
        String claimsAdmin = TestTokens.token(new User(viewer.id(), viewer.email(), Map.of(orgId, "admin")));

        given().auth().oauth2(claimsAdmin).contentType(ContentType.JSON).body("{\"name\": \"Taken over\"}")
                .when().patch("/api/v1/organizations/" + orgId)
                .then().statusCode(403);
        given().auth().oauth2(claimsAdmin)
                .when().get("/api/v1/organizations/" + orgId + "/quotas")
                .then().statusCode(200);
        // and a token that names no organization does not keep an active member out
        given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON).body("{\"name\": \"Renamed\"}")
                .when().patch("/api/v1/organizations/" + orgId)
                .then().statusCode(200);
    }
}
