package io.clp.platform.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * How consumers settle failures and how long event topics keep their records ({@code clp.events.*};
 * the values and their reasons are in platform-core's microprofile-config.properties and README.md).
 */
@ConfigMapping(prefix = "clp.events")
public interface EventSettings {

    /** Retries inside the handler ({@link EventDelivery}). */
    Retry retry();

    /** The channels' delayed retry topics (read by the channels' {@code delayed-retry-topic.*} settings). */
    DelayedRetry delayedRetry();

    /** The dead-letter depth gauge ({@link DeadLetterDepth}). */
    DeadLetters deadLetters();

    /** The {@code retention.ms} of the {@code clp.events.*} topics, which the inbox must outlive. */
    @WithDefault("P7D")
    Duration topicRetention();

    interface Retry {
        /** How long a transient failure is retried in the handler, well under smallrye-kafka's 60 s limit. */
        @WithDefault("20s")
        Duration within();

        @WithDefault("200ms")
        Duration firstBackOff();

        @WithDefault("5s")
        Duration maxBackOff();
    }

    interface DelayedRetry {
        @WithDefault("300")
        int maxRetries();

        @WithDefault("86400000")
        long timeoutMs();
    }

    interface DeadLetters {
        /** A scheduler interval (read by {@code @Scheduled}), so kept as written. */
        @WithDefault("30s")
        String measureEvery();
    }
}
