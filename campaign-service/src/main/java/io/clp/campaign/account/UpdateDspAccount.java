package io.clp.campaign.account;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The body of {@code PATCH .../dsp-accounts/{id}}: the fields to change; absent fields stay. */
public record UpdateDspAccount(
        @Size(min = 1, max = 255) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String displayName,
        Boolean active) {
}
