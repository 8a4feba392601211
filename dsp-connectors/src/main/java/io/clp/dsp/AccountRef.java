package io.clp.dsp;

import java.util.Objects;

/**
 * One DSP account as a connector sees it: the DSP's id of the account (DV360 and TTD advertiser id,
 * Meta {@code act_<id>}, Amazon DSP advertiser id under a profile, Google Ads customer id), its secrets and its
 * rate limit. {@code scope} is whose connection this is (CLP's account id, or organization + DSP + external id
 * while connecting): connectors key their token cache and rate limiter by scope, DSP and account id, so two
 * organizations connecting the same external account never share or reset each other's tokens or pacing.
 */
public record AccountRef(String scope, Dsp dsp, String externalAccountId, DspCredentials credentials, RateLimit rateLimit) {

    /** Without a scope: for tools and tests that act for a single tenant. */
    public AccountRef(Dsp dsp, String externalAccountId, DspCredentials credentials, RateLimit rateLimit) {
        this("", dsp, externalAccountId, credentials, rateLimit);
    }

    public AccountRef {
        scope = scope == null ? "" : scope;
        Objects.requireNonNull(dsp, "dsp");
        Objects.requireNonNull(externalAccountId, "externalAccountId");
        Objects.requireNonNull(credentials, "credentials");
        rateLimit = rateLimit == null ? RateLimit.DEFAULT : rateLimit;
    }

    public String key() {
        return scope + "|" + dsp.label() + ":" + externalAccountId;
    }
}
