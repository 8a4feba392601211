package io.clp.campaign.account;

import io.clp.dsp.AccountRef;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspConnector;
import io.smallrye.mutiny.Uni;

import java.util.UUID;

/**
 * How the rest of campaign-service reaches a connected account at its DSP: the connector of each DSP, and the
 * account's reference with its decrypted credentials and rate limit. Only this seam decrypts credentials; what it
 * returns lives in memory for the call and is never stored, logged or sent.
 */
public interface AccountConnections {

    DspConnector connector(Dsp dsp);

    /** The account's reference for its connector, or a failed Uni when the account is unknown, disabled or unreadable. */
    Uni<AccountRef> accountRef(UUID orgId, UUID accountId);
}
