package io.clp.tenancy.security;

import io.clp.platform.problem.Problems;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyCacheLifetimeTest {

    private final ApiKeyExchange.Lifetimes lifetimes = new ApiKeyExchange.Lifetimes(Duration.ofSeconds(30), Duration.ofSeconds(5));

    @Test
    void aTokenIsReusedForTheCacheTtlARefusalBrieflyAndAnOutageNotAtAll() {
        assertThat(lifetimes.expireAfterCreate("k", new ApiKeyExchange.Exchanged("token", null, null), 0))
                .isEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(lifetimes.expireAfterCreate("k", new ApiKeyExchange.Exchanged(null, null,
                Problems.unauthorized("the API key is not valid")), 0)).isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(lifetimes.expireAfterCreate("k", new ApiKeyExchange.Exchanged(null, null,
                Problems.unavailable("Keycloak does not answer")), 0)).isZero();
        assertThat(lifetimes.expireAfterCreate("k", new ApiKeyExchange.Exchanged(null, null,
                new IllegalStateException("unexpected")), 0)).isZero();
    }
}
