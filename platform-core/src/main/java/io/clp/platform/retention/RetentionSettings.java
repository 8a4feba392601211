package io.clp.platform.retention;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How long bookkeeping rows are kept and how often they are pruned ({@code clp.retention.*}, see {@link PlatformTablesPruner}). */
@ConfigMapping(prefix = "clp.retention")
public interface RetentionSettings {

    @WithDefault("P7D")
    Duration transactionContext();

    /** Must be longer than {@code clp.events.topic-retention}. */
    @WithDefault("P14D")
    Duration processedEvents();

    /** A scheduler interval or {@code off} (read by {@code @Scheduled}), so kept as written. */
    @WithDefault("1h")
    String pruneEvery();
}
