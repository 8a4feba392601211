package io.clp.pipeline.campaigns;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@link DspAccessTokens} over campaign-service's
 * {@code POST /internal/v1/organizations/{orgId}/dsp-accounts/{accountId}/delegated-access}: short-lived access minted
 * by campaign-service from the credentials it alone holds. Not cached here: an execution asks once and keeps the
 * answer in memory until it ends or the access expires. Blocking; failures are {@link CampaignServiceException}s.
 */
@ApplicationScoped
public class CampaignDspAccessTokens implements DspAccessTokens {

    private final InternalCampaignClient client;

    public CampaignDspAccessTokens(InternalCampaignClient client) {
        this.client = client;
    }

    @Override
    public DspAccess accessFor(UUID organizationId, UUID dspAccountId) {
        JsonNode r = client.post("/internal/v1/organizations/" + organizationId + "/dsp-accounts/" + dspAccountId
                + "/delegated-access", null);
        Map<String, String> credentials = new LinkedHashMap<>();
        r.path("credentials").fields().forEachRemaining(e -> credentials.put(e.getKey(), e.getValue().asText()));
        if (!r.hasNonNull("dsp") || !r.hasNonNull("externalAccountId") || !r.hasNonNull("expiresAt") || credentials.isEmpty()) {
            throw new CampaignServiceException.Refused(200, null, "campaign-service's delegated access for account "
                    + dspAccountId + " is incomplete");
        }
        return new DspAccess(r.get("dsp").asText(), r.get("externalAccountId").asText(), credentials,
                Instant.parse(r.get("expiresAt").asText()), r.path("accountTimezone").asText("UTC"),
                r.path("currency").asText(null));
    }
}
