package io.clp.campaign.account;

import io.clp.dsp.RateLimit;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.time.Duration;

/**
 * How fast CLP may call the DSP for one account ({@code rate_limit_config}); absent fields take
 * {@link RateLimit#DEFAULT}'s values.
 */
public record AccountRateLimit(
        @DecimalMin(value = "0.01") @DecimalMax("1000") Double requestsPerSecond,
        @Min(0) @Max(20) Integer maxRetries,
        @Min(1) @Max(600) Integer maxWaitSeconds) {

    RateLimit toRateLimit() {
        RateLimit d = RateLimit.DEFAULT;
        return new RateLimit(requestsPerSecond == null ? d.requestsPerSecond() : requestsPerSecond,
                maxWaitSeconds == null ? d.maxWait() : Duration.ofSeconds(maxWaitSeconds),
                maxRetries == null ? d.maxRetries() : maxRetries, d.initialBackoff(), d.maxBackoff());
    }

    static RateLimit toRateLimit(AccountRateLimit limit) {
        return limit == null ? RateLimit.DEFAULT : limit.toRateLimit();
    }
}
