package io.clp.pipeline.campaigns;

import java.util.UUID;

/**
 * Short-lived DSP access for one account, from campaign-service, which owns the account's credentials (docs/adr).
 * pipeline-service keeps the token in memory for one execution only and never stores or logs it. Blocking.
 */
public interface DspAccessTokens {

    DspAccess accessFor(UUID organizationId, UUID dspAccountId);
}
