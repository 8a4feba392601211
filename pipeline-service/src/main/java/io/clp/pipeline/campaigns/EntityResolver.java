package io.clp.pipeline.campaigns;

import java.util.List;
import java.util.UUID;

/**
 * Resolves what source rows name (a DSP external id, or names down the breakdown) to campaign-service's entities,
 * which campaign-service owns: an authenticated internal call, never a copy of its tables. Blocking; called from the
 * executor's worker thread with at most {@link #MAX_KEYS} keys. The answer has one element per key, in order: null
 * where no entity matches (and {@code createUnknown} is false, or the key cannot be created).
 */
public interface EntityResolver {

    int MAX_KEYS = 1_000;

    List<ResolvedEntity> resolve(UUID organizationId, UUID dspAccountId, List<EntityKey> keys, boolean createUnknown);
}
