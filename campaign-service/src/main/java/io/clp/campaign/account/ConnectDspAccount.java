package io.clp.campaign.account;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.Map;

/**
 * The body of {@code POST .../dsp-accounts}: which account at which DSP, and the credentials to reach it
 * (the names {@code DspConnector.credentialNames()} lists for the DSP). {@link #toString()} hides the values.
 */
public record ConnectDspAccount(
        @NotBlank String dspType,
        @NotBlank @Size(max = 255) String externalAccountId,
        @Size(min = 1, max = 255) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String displayName,
        @NotEmpty @Size(max = 20) Map<@Size(min = 1, max = 100) String, @Size(min = 1, max = 8192) String> credentials,
        @Valid AccountRateLimit rateLimit,
        @Min(5) @Max(10080) Integer syncIntervalMinutes) {

    @Override
    public String toString() {
        return "ConnectDspAccount[dspType=" + dspType + ", externalAccountId=" + externalAccountId + ", displayName="
                + displayName + ", credentials=" + (credentials == null ? null : credentials.keySet()) + ", rateLimit="
                + rateLimit + ", syncIntervalMinutes=" + syncIntervalMinutes + "]";
    }
}
