package io.clp.platform.retention;

import io.clp.events.Topics;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InboxRetentionTest {

    private static Properties platformDefaults() throws Exception {
        Properties defaults = new Properties();
        try (InputStream in = PlatformTablesPruner.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
            defaults.load(in);
        }
        return defaults;
    }

    @Test
    void theDefaultInboxRetentionOutlivesTheEventTopicsRetention() throws Exception {
        Properties defaults = platformDefaults();
        Duration inbox = Duration.parse(defaults.getProperty("clp.retention.processed-events"));
        Duration topics = Duration.parse(defaults.getProperty("clp.events.topic-retention"));
        assertThat(topics).isEqualTo(Topics.EVENTS_RETENTION);
        assertThat(inbox).isGreaterThan(topics);
        PlatformTablesPruner.requireInboxOutlivesTopics(inbox, topics);
    }

    @Test
    void aServiceRefusesToStartWhenItsInboxWouldForgetEventsTheTopicsStillHold() {
        assertThatThrownBy(() -> PlatformTablesPruner.requireInboxOutlivesTopics(Duration.ofDays(7), Duration.ofDays(7)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("clp.retention.processed-events");
        assertThatThrownBy(() -> PlatformTablesPruner.requireInboxOutlivesTopics(Duration.ofDays(3), Duration.ofDays(7)))
                .isInstanceOf(IllegalStateException.class);
    }
}
