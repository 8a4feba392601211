package io.clp.campaign.account;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.Map;

/**
 * The body of {@code PATCH .../dsp-accounts/{id}}: the fields to change; absent fields stay. New
 * {@code credentials} replace the old ones whole, once the DSP accepts them.
 */
public record UpdateDspAccount(
        @Size(min = 1, max = 255) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String displayName,
        Boolean active,
        @Valid AccountRateLimit rateLimit,
        @Min(5) @Max(10080) Integer syncIntervalMinutes,
        @Size(min = 1, max = 20) Map<@Size(min = 1, max = 100) String, @Size(min = 1, max = 8192) String> credentials) {

    boolean empty() {
        return displayName == null && active == null && rateLimit == null && syncIntervalMinutes == null && credentials == null;
    }

    /** This change without its credentials (applied once the new credentials are sealed). */
    UpdateDspAccount withoutCredentials() {
        return new UpdateDspAccount(displayName, active, rateLimit, syncIntervalMinutes, null);
    }

    @Override
    public String toString() {
        return "UpdateDspAccount[displayName=" + displayName + ", active=" + active + ", rateLimit=" + rateLimit
                + ", syncIntervalMinutes=" + syncIntervalMinutes + ", credentials=" + (credentials == null ? null : credentials.keySet()) + "]";
    }
}
