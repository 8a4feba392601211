package io.clp.dsp;

import java.time.Instant;

/**
 * Short-lived credentials for one account's report calls, minted from its long-lived ones by the service that holds
 * them: an access token and the companions a call must carry, never a refresh token, client secret or password.
 * A connector given these as an account's credentials uses them as they are and never tries to refresh them.
 */
public record DelegatedAccess(DspCredentials credentials, Instant expiresAt) {
}
