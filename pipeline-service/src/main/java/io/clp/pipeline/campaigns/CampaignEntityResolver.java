package io.clp.pipeline.campaigns;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@link EntityResolver} over campaign-service's {@code POST /internal/v1/organizations/{orgId}/entity-resolutions}:
 * one call per page of keys. A key campaign-service cannot resolve (not found, ambiguous, an invalid names path) is
 * null in the answer. Blocking; failures are {@link CampaignServiceException}s.
 */
@ApplicationScoped
public class CampaignEntityResolver implements EntityResolver {

    private final InternalCampaignClient client;

    public CampaignEntityResolver(InternalCampaignClient client) {
        this.client = client;
    }

    @Override
    public List<ResolvedEntity> resolve(UUID organizationId, UUID dspAccountId, List<EntityKey> keys, boolean createUnknown) {
        if (keys.size() > MAX_KEYS) {
            throw new IllegalArgumentException("at most " + MAX_KEYS + " keys a call, not " + keys.size());
        }
        if (keys.isEmpty()) {
            return List.of();
        }
        if (createUnknown && dspAccountId == null) {
            throw new IllegalArgumentException("creating unknown entities needs the DSP account they belong to");
        }
        List<Map<String, String>> wire = new ArrayList<>(keys.size());
        for (EntityKey key : keys) {
            Map<String, String> k = new LinkedHashMap<>();
            switch (key) {
                case EntityKey.ByExternalId byId -> {
                    k.put("level", byId.level());
                    k.put("externalId", byId.externalId());
                }
                case EntityKey.ByNames byNames -> {
                    putLevel(k, "campaign", byNames.campaign());
                    putLevel(k, "insertionOrder", byNames.insertionOrder());
                    putLevel(k, "lineItem", byNames.lineItem());
                    putLevel(k, "creative", byNames.creative());
                }
            }
            wire.add(k);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (dspAccountId != null) {
            body.put("dspAccountId", dspAccountId.toString());
        }
        body.put("createUnknown", createUnknown);
        body.put("keys", wire);
        JsonNode results = client.post("/internal/v1/organizations/" + organizationId + "/entity-resolutions", body).path("results");
        if (!results.isArray() || results.size() != keys.size()) {
            throw new CampaignServiceException.Refused(200, null, "campaign-service answered " + results.size()
                    + " results for " + keys.size() + " keys");
        }
        List<ResolvedEntity> resolved = new ArrayList<>(keys.size());
        for (JsonNode r : results) {
            if (r.isNull() || r.hasNonNull("unresolved") || !r.hasNonNull("campaignId")) {
                resolved.add(null);
            } else {
                resolved.add(new ResolvedEntity(uuid(r, "campaignId"), uuid(r, "insertionOrderId"), uuid(r, "lineItemId"),
                        uuid(r, "creativeId"), r.hasNonNull("currency") ? r.get("currency").asText() : null));
            }
        }
        return resolved;
    }

    /**
     * Every level is sent, absent ones as null: campaign-service reads a blank name as absent and answers a name below an
     * absent one as {@code invalid-key}, so a file row with a gap is reported, not silently attributed higher up.
     */
    private static void putLevel(Map<String, String> key, String name, String value) {
        key.put(name, value);
    }

    private static UUID uuid(JsonNode r, String field) {
        return r.hasNonNull(field) ? UUID.fromString(r.get(field).asText()) : null;
    }
}
