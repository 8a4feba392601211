package io.clp.pipeline.campaigns;

import java.util.UUID;

/**
 * A resolved entity with its ancestors (null below the key's level), so that gold rolls a row up to every level.
 * {@code currency} is the entity's DSP account currency (ISO 4217), which spend in the row is in.
 */
public record ResolvedEntity(UUID campaignId, UUID insertionOrderId, UUID lineItemId, UUID creativeId, String currency) {
}
