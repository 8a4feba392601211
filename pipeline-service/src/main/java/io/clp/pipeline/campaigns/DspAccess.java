package io.clp.pipeline.campaigns;

import java.time.Instant;

/**
 * What a DSP report needs of an account: its DSP ({@code dv360}, {@code ttd}, {@code meta}, {@code amazon},
 * {@code google_ads}), the DSP's id of the account, a short-lived access token, when it expires, the account's time
 * zone (its report days) and currency. {@link #toString()} never shows the token.
 */
public record DspAccess(String dsp, String externalAccountId, String accessToken, Instant expiresAt,
                        String accountTimezone, String currency) {

    @Override
    public String toString() {
        return "DspAccess[" + dsp + ":" + externalAccountId + ", expiresAt=" + expiresAt + "]";
    }
}
