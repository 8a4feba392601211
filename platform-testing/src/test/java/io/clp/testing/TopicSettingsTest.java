package io.clp.testing;

import io.clp.events.Topics;
import io.clp.launcher.KafkaComponent;
import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings the contract's topics are created with, held to platform-events wherever topics are
 * made: by the local stack's launcher and by the outbox connector (in an installation where Kafka
 * Connect creates them).
 */
class TopicSettingsTest {

    private static Properties outboxConnector() throws Exception {
        Path file = Path.of("..", "deploy", "debezium", "clp-outbox.properties");
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        }
        return properties;
    }

    @Test
    void theLauncherCreatesTheStateTopicsCompactedAndTheEventTopicsWithTheirKnownRetention() {
        assertThat(KafkaComponent.EVENTS_RETENTION).isEqualTo(Topics.EVENTS_RETENTION);
        for (String state : new String[]{Topics.ORGANIZATION_STATE, Topics.GRANT_STATE}) {
            assertThat(KafkaComponent.TOPICS).containsEntry(state, Map.of("cleanup.policy", "compact"));
        }
        for (String events : new String[]{Topics.ORGANIZATION, Topics.MEMBERSHIP, Topics.GRANT, Topics.API_KEY,
                Topics.CAMPAIGN, Topics.DSP_ACCOUNT, Topics.METRICS_BATCH, Topics.CAMPAIGN_METRICS,
                Topics.PIPELINE_EXECUTION}) {
            assertThat(KafkaComponent.TOPICS).containsEntry(events,
                    Map.of("retention.ms", Long.toString(Topics.EVENTS_RETENTION.toMillis())));
        }
    }

    @Test
    void theOutboxConnectorCreatesTopicsWithTheSameSettings() throws Exception {
        Properties connector = outboxConnector();
        assertThat(connector.getProperty("topic.creation.default.retention.ms"))
                .isEqualTo(Long.toString(Topics.EVENTS_RETENTION.toMillis()));
        assertThat(connector.getProperty("topic.creation.state.cleanup.policy")).isEqualTo("compact");
        assertThat(Topics.ORGANIZATION_STATE).matches(connector.getProperty("topic.creation.state.include"));
        assertThat(Topics.GRANT_STATE).matches(connector.getProperty("topic.creation.state.include"));
        assertThat(Topics.ORGANIZATION).doesNotMatch(connector.getProperty("topic.creation.state.include"));
        // the state topics are published, and the relay renames the router's topic to them
        String published = connector.getProperty("predicates.published.pattern");
        assertThat(Topics.ORGANIZATION_STATE).matches(published);
        assertThat(Topics.GRANT_STATE).matches(published);
        assertThat("clp.events.state.organization".replaceAll(connector.getProperty("transforms.statetopics.regex"),
                connector.getProperty("transforms.statetopics.replacement"))).isEqualTo(Topics.ORGANIZATION_STATE);
    }
}
