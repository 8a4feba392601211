package io.clp.dsp.http;

import io.clp.dsp.AccountRef;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspCredentials;
import io.clp.dsp.RateLimit;
import io.github.resilience4j.ratelimiter.RateLimiter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DspHttpRateLimiterTest {

    private final DspHttp http = DspHttp.create(Duration.ofSeconds(1), Duration.ofSeconds(1));
    private final DspCredentials credentials = new DspCredentials(Map.of("password", "x"));

    private static RateLimit limit(double rate, Duration maxWait) {
        return new RateLimit(rate, maxWait, 2, Duration.ofMillis(10), Duration.ofMillis(100));
    }

    @Test
    void anotherOrganizationsRateLimitNeverReplacesThisOrganizationsLimiter() {
        RateLimiter ours = http.limiter(new AccountRef("org-a", Dsp.TTD, "adv1", credentials, limit(5, Duration.ofSeconds(1))));
        RateLimiter theirs = http.limiter(new AccountRef("org-b", Dsp.TTD, "adv1", credentials, limit(50, Duration.ofSeconds(9))));

        assertThat(theirs).isNotSameAs(ours);
        RateLimiter oursAgain = http.limiter(new AccountRef("org-a", Dsp.TTD, "adv1", credentials, limit(5, Duration.ofSeconds(1))));
        assertThat(oursAgain).isSameAs(ours);
        assertThat(oursAgain.getRateLimiterConfig().getTimeoutDuration()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aChangedWaitAdjustsTheLiveLimiterInsteadOfReplacingIt() {
        AccountRef before = new AccountRef("acc-1", Dsp.TTD, "adv1", credentials, limit(5, Duration.ofSeconds(1)));
        AccountRef after = new AccountRef("acc-1", Dsp.TTD, "adv1", credentials, limit(5, Duration.ofSeconds(7)));

        RateLimiter first = http.limiter(before);
        RateLimiter second = http.limiter(after);

        assertThat(second).isSameAs(first);
        assertThat(second.getRateLimiterConfig().getTimeoutDuration()).isEqualTo(Duration.ofSeconds(7));
    }
}
