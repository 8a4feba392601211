package io.clp.campaign.internal;

import java.util.UUID;

/**
 * One key's answer: the entity and its ancestors (null below the key's level) and its DSP account's currency, or
 * {@code unresolved} saying why not: {@code not-found}, {@code ambiguous} (more than one entity has that external id
 * or that names path), {@code invalid-key} (a names path with a gap or a blank name).
 */
public record ResolutionResult(UUID campaignId, UUID insertionOrderId, UUID lineItemId, UUID creativeId, String currency,
                               String unresolved) {

    static final String NOT_FOUND = "not-found";
    static final String AMBIGUOUS = "ambiguous";
    static final String INVALID_KEY = "invalid-key";

    static ResolutionResult unresolved(String reason) {
        return new ResolutionResult(null, null, null, null, null, reason);
    }

    boolean resolved() {
        return unresolved == null;
    }
}
