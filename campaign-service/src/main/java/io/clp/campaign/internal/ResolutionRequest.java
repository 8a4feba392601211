package io.clp.campaign.internal;

import java.util.List;
import java.util.UUID;

/**
 * A page of keys to resolve (at most {@value EntityResolutions#MAX_KEYS}): each key either a DSP's external id at a
 * level ({@code level}, {@code externalId}) or names down the breakdown ({@code campaign}, {@code insertionOrder},
 * {@code lineItem}, {@code creative}; the deepest name is the entity). {@code dspAccountId} limits matching to one
 * account; {@code createUnknown} creates the missing part of a names path in that account (it requires one).
 */
public record ResolutionRequest(UUID dspAccountId, Boolean createUnknown, List<Key> keys) {

    public record Key(String level, String externalId, String campaign, String insertionOrder, String lineItem,
                      String creative) {

        boolean byExternalId() {
            return level != null || externalId != null;
        }

        boolean byNames() {
            return campaign != null || insertionOrder != null || lineItem != null || creative != null;
        }
    }

    boolean create() {
        return Boolean.TRUE.equals(createUnknown);
    }
}
