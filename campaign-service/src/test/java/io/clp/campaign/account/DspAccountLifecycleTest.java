package io.clp.campaign.account;

import io.clp.campaign.SimulatedDsps;
import io.clp.dspsim.Catalog;
import io.clp.dspsim.Fault;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestOrganizations;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Connecting, changing and deleting DSP accounts against the DSP simulator (needs the Meta connector). */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class DspAccountLifecycleTest {

    @Inject
    AccountConnections connections;

    private static Map<String, Object> meta(String account, String token) {
        return Map.of("dspType", "meta", "externalAccountId", account, "credentials", Map.of("access_token", token));
    }

    private static String organization(UUID orgId) {
        TestOrganizations.known("campaign", orgId);
        return TestTokens.token(User.member(orgId, "admin"));
    }

    @Test
    void connectingTakesNameTimeZoneAndCurrencyFromTheDspAndRefusesTheSameAccountTwice() {
        UUID orgId = UUID.randomUUID();
        String admin = organization(orgId);
        String base = "/api/v1/organizations/" + orgId + "/dsp-accounts";

        String id = given().auth().oauth2(admin).contentType(ContentType.JSON).body(meta("act_2000001", Catalog.META_TOKEN))
                .when().post(base).then().statusCode(201)
                .body("displayName", equalTo("Acme Retail Meta"))
                .body("accountTimezone", equalTo("America/Chicago"))
                .body("currency", equalTo("USD"))
                .body("active", equalTo(true))
                .extract().path("id");
        given().auth().oauth2(admin).when().get(base + "/" + id).then().statusCode(200).body("externalAccountId", equalTo("act_2000001"));

        given().auth().oauth2(admin).contentType(ContentType.JSON).body(meta("act_2000001", Catalog.META_TOKEN))
                .when().post(base).then().statusCode(409).body("type", equalTo("urn:clp:problem:dsp-account-exists"));
    }

    @Test
    void connectingPastTheOrganizationsQuotaAnswers409AndKeepsNoCredentials() {
        UUID orgId = UUID.randomUUID();
        String admin = organization(orgId);
        String base = "/api/v1/organizations/" + orgId + "/dsp-accounts";
        TestDatabase.execute("UPDATE campaign.organization_refs SET quotas = jsonb_set(coalesce(quotas, '{}'::jsonb), "
                + "'{dsp_accounts}', '1') WHERE org_id = ?", orgId);
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(meta("act_2000001", Catalog.META_TOKEN))
                .when().post(base).then().statusCode(201);

        given().auth().oauth2(admin).contentType(ContentType.JSON).body(meta("act_2000002", Catalog.META_TOKEN))
                .when().post(base).then().statusCode(409)
                .contentType(containsString("application/problem+json"))
                .body("type", equalTo("urn:clp:problem:quota-exceeded"));
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.dsp_accounts WHERE org_id = ?", orgId)).isOne();
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.dsp_account_credentials WHERE org_id = ?", orgId)).isOne();
    }

    @Test
    void credentialsTheDspRefusesAnswer422AndWriteNothing() {
        UUID orgId = UUID.randomUUID();
        String admin = organization(orgId);
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(meta("act_2000001", "not-the-token"))
                .when().post("/api/v1/organizations/" + orgId + "/dsp-accounts").then().statusCode(422)
                .contentType(containsString("application/problem+json"))
                .body("type", equalTo("urn:clp:problem:dsp-credentials-rejected"));
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.dsp_accounts WHERE org_id = ?", orgId)).isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.dsp_account_credentials WHERE org_id = ?", orgId)).isZero();
    }

    @Test
    void anExternalAccountIdNotShapedLikeTheDspsIdsIsAValidationErrorAndNothingIsWritten() {
        UUID orgId = UUID.randomUUID();
        String admin = organization(orgId);
        for (Map<String, Object> body : List.<Map<String, Object>>of(meta("act_2000001?fields=x", Catalog.META_TOKEN), meta("act_2000001/../act_2000002", Catalog.META_TOKEN),
                meta("act_20 00001", Catalog.META_TOKEN), meta("2000001#x", Catalog.META_TOKEN),
                Map.of("dspType", "dv360", "externalAccountId", "1000001/..", "credentials", Map.of("refresh_token", "x")),
                Map.of("dspType", "ttd", "externalAccountId", "ttdadv01?x", "credentials", Map.of("login", "x", "password", "y")))) {
            given().auth().oauth2(admin).contentType(ContentType.JSON).body(body)
                    .when().post("/api/v1/organizations/" + orgId + "/dsp-accounts").then().statusCode(400)
                    .contentType(containsString("application/problem+json"))
                    .body("errors.field", org.hamcrest.Matchers.hasItem("externalAccountId"));
        }
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.dsp_accounts WHERE org_id = ?", orgId)).isZero();
    }

    @Test
    void aCredentialTheDspDoesNotTakeIsAValidationErrorNamingTheOnesItTakes() {
        UUID orgId = UUID.randomUUID();
        String admin = organization(orgId);
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("dspType", "meta", "externalAccountId", "act_2000001", "credentials", Map.of("password", "x")))
                .when().post("/api/v1/organizations/" + orgId + "/dsp-accounts").then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItems("credentials.access_token", "credentials.password"));
    }

    @Test
    void aThrottlingDspAnswers503WithRetryAfterAndNothingIsWritten() {
        UUID orgId = UUID.randomUUID();
        String admin = organization(orgId);
        SimulatedDsps.simulator().simulation().faults().arm("meta", "act_2000002", new Fault(Fault.Type.THROTTLE, 3, 7, 0));
        Map<String, Object> body = new java.util.HashMap<>(meta("act_2000002", Catalog.META_TOKEN));
        body.put("rateLimit", Map.of("maxRetries", 0));
        String retryAfter = given().auth().oauth2(admin).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/organizations/" + orgId + "/dsp-accounts").then().statusCode(503)
                .body("type", equalTo("urn:clp:problem:dsp-unavailable"))
                .extract().header("Retry-After");
        assertThat(Integer.parseInt(retryAfter)).isPositive();
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.dsp_accounts WHERE org_id = ?", orgId)).isZero();
        SimulatedDsps.simulator().simulation().faults().clear();
    }

    @Test
    void deletingAnAccountKeepsItsCampaignsWithoutAnAccountAndRemovesItsCredentials() {
        UUID orgId = UUID.randomUUID();
        String admin = organization(orgId);
        String base = "/api/v1/organizations/" + orgId + "/dsp-accounts";
        String id = given().auth().oauth2(admin).contentType(ContentType.JSON).body(meta("act_2000001", Catalog.META_TOKEN))
                .when().post(base).then().statusCode(201).extract().path("id");
        UUID accountId = UUID.fromString(id);
        UUID campaignId = UUID.randomUUID();
        TestDatabase.execute("INSERT INTO campaign.campaigns (id, org_id, dsp_account_id, dsp_type, external_id, name) "
                + "VALUES (?, ?, ?, 'meta', 'c-1', 'Kept')", campaignId, orgId, accountId);

        given().auth().oauth2(admin).when().delete(base + "/" + id).then().statusCode(204);

        given().auth().oauth2(admin).when().get(base + "/" + id).then().statusCode(404);
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.dsp_account_credentials WHERE account_id = ?", accountId)).isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.campaigns WHERE id = ? AND dsp_account_id IS NULL", campaignId)).isOne();
    }

    @Test
    void theSyncEngineGetsNoReferenceToADisabledUnknownOrUndecryptableAccount() {
        UUID orgId = UUID.randomUUID();
        String admin = organization(orgId);
        String base = "/api/v1/organizations/" + orgId + "/dsp-accounts";
        String id = given().auth().oauth2(admin).contentType(ContentType.JSON).body(meta("act_2000001", Catalog.META_TOKEN))
                .when().post(base).then().statusCode(201).extract().path("id");
        UUID accountId = UUID.fromString(id);
        assertThat(connections.accountRef(orgId, accountId).await().indefinitely().externalAccountId()).isEqualTo("act_2000001");
        assertThatThrownBy(() -> connections.accountRef(UUID.randomUUID(), accountId).await().indefinitely())
                .isInstanceOf(DspAccountConnections.AccountUnavailable.class);

        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("active", false))
                .when().patch(base + "/" + id).then().statusCode(200).body("active", equalTo(false));
        assertThatThrownBy(() -> connections.accountRef(orgId, accountId).await().indefinitely())
                .isInstanceOf(DspAccountConnections.AccountUnavailable.class).hasMessageContaining("disabled");

        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("active", true))
                .when().patch(base + "/" + id).then().statusCode(200);
        // a blob copied from another row does not decrypt here
        String other = given().auth().oauth2(admin).contentType(ContentType.JSON).body(meta("act_2000002", Catalog.META_TOKEN))
                .when().post(base).then().statusCode(201).extract().path("id");
        TestDatabase.execute("UPDATE campaign.dsp_account_credentials SET credentials_encrypted = "
                + "(SELECT credentials_encrypted FROM campaign.dsp_account_credentials WHERE account_id = ?) WHERE account_id = ?",
                UUID.fromString(other), accountId);
        assertThatThrownBy(() -> connections.accountRef(orgId, accountId).await().indefinitely())
                .isInstanceOf(DspAccountConnections.AccountUnavailable.class).hasMessageContaining("cannot be decrypted");
    }
}
