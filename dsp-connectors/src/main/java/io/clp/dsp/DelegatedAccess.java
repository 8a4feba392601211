package io.clp.dsp;

import io.clp.dsp.http.AccessToken;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Short-lived credentials for one account's report calls, minted from its long-lived ones by the service that holds
 * them: an access token and the companions a call must carry, never a refresh token, client secret or password.
 * A connector given these as an account's credentials uses them as they are and never tries to refresh them; when
 * the DSP refuses them (or they expired) the call fails with {@link DspException.InvalidCredentials#ofExpiredDelegation},
 * which is transient: delegate again and retry.
 * <p>
 * To send them elsewhere, pass {@code credentials().asMap()} and {@code expiresAt}; the receiver rebuilds them with
 * {@link DspCredentials#delegated(Map, Instant)}.
 */
public record DelegatedAccess(DspCredentials credentials, Instant expiresAt) {

    /** A delegated token has at least this long left when it is handed out (a cached one closer to expiry is renewed). */
    public static final Duration MINIMUM_LIFETIME = Duration.ofMinutes(15);

    /**
     * How long a token that does not expire by itself (Meta's long-lived user or system-user token) is delegated for:
     * the receiver treats it as expired after this and asks again.
     */
    public static final Duration NON_EXPIRING_TOKEN_LIFETIME = Duration.ofHours(1);

    public DelegatedAccess {
        if (!credentials.delegated() || !credentials.delegatedUntil().equals(expiresAt)) {
            throw new IllegalArgumentException("delegated access needs delegated credentials valid until " + expiresAt);
        }
    }

    /** {@code token} as {@code access_token}, with {@code companions} (null values left out), until the token expires. */
    public static DelegatedAccess of(AccessToken token, Instant fallbackExpiry, Map<String, String> companions) {
        Map<String, String> values = new LinkedHashMap<>();
        companions.forEach((name, value) -> {
            if (value != null) {
                values.put(name, value);
            }
        });
        values.put("access_token", token.value());
        Instant expiresAt = token.expiresAt() != null ? token.expiresAt() : fallbackExpiry;
        return new DelegatedAccess(DspCredentials.delegated(values, expiresAt), expiresAt);
    }
}
