package io.clp.tenancy.security;

import io.smallrye.jwt.auth.cdi.NullJsonWebToken;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import jakarta.json.JsonObject;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A token's API key claim is read as the token holds it, by the expiry check and the caller's standing alike. */
class ApiKeyClaimTest {

    @Test
    void aTokenHoldingTheClaimAnswersItAndOneWithoutItOrWithoutClaimsAnswersNone() {
        UUID id = UUID.randomUUID();
        UUID org = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        JwtClaims key = new JwtClaims();
        key.setSubject("service-account-clp-key-abc");
        key.setClaim(ApiKeyClaim.CLAIM, Map.of("id", id.toString(), "org", org.toString(), "user", user.toString(),
                "scopes", List.of("campaign:read"), "expires_at", 1_767_225_600L));
        Object claim = ApiKeyClaim.of(new DefaultJWTCallerPrincipal(key));
        assertThat(claim).isInstanceOf(JsonObject.class);
        assertThat(ApiKeyClaim.parse(claim)).hasValueSatisfying(k -> {
            assertThat(k.id()).isEqualTo(id);
            assertThat(k.orgId()).isEqualTo(org);
            assertThat(k.userId()).isEqualTo(user);
        });

        JwtClaims person = new JwtClaims();
        person.setSubject(UUID.randomUUID().toString());
        person.setClaim("name", "Ada");
        assertThat(ApiKeyClaim.of(new DefaultJWTCallerPrincipal(person))).isNull();
        // the empty token of an anonymous request lists its claim names as null
        assertThat(ApiKeyClaim.of(new NullJsonWebToken())).isNull();
    }
}
