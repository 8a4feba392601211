package io.clp.pipeline.campaigns;

import java.time.Instant;
import java.util.Map;

/**
 * What a DSP report needs of an account: its DSP ({@code dv360}, {@code ttd}, {@code meta}, {@code amazon},
 * {@code google_ads}), the DSP's id of the account, short-lived credentials for report calls (an access token and the
 * companions a call must send, never a refresh token, client secret or password), when they expire, and the account's
 * time zone (its report days) and currency. {@link #toString()} never shows a credential.
 */
public record DspAccess(String dsp, String externalAccountId, Map<String, String> credentials, Instant expiresAt,
                        String accountTimezone, String currency) {

    public DspAccess {
        credentials = Map.copyOf(credentials);
    }

    @Override
    public String toString() {
        return "DspAccess[" + dsp + ":" + externalAccountId + ", credentials=" + credentials.keySet() + ", expiresAt="
                + expiresAt + "]";
    }
}
