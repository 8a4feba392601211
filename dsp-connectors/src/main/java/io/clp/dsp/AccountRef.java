package io.clp.dsp;

import java.util.Objects;

/**
 * One DSP account as a connector sees it: the DSP's id of the account (DV360 and TTD advertiser id,
 * Meta {@code act_<id>}, Amazon DSP advertiser id under a profile, Google Ads customer id), its secrets and its
 * rate limit. Connectors key their token cache and rate limiter by DSP and account id.
 */
public record AccountRef(Dsp dsp, String externalAccountId, DspCredentials credentials, RateLimit rateLimit) {

    public AccountRef {
        Objects.requireNonNull(dsp, "dsp");
        Objects.requireNonNull(externalAccountId, "externalAccountId");
        Objects.requireNonNull(credentials, "credentials");
        rateLimit = rateLimit == null ? RateLimit.DEFAULT : rateLimit;
    }

    public String key() {
        return dsp.label() + ":" + externalAccountId;
    }
}
