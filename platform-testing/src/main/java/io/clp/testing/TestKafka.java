package io.clp.testing;

import io.clp.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.test.TestKitNodes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One real in-JVM KRaft broker (combined broker and controller) per test JVM. A broker that asks to
 * exit or halt the process (for example while it shuts down beside the JVM) is logged, not obeyed:
 * the test JVM's exit status belongs to the tests.
 */
public final class TestKafka {

    private static KafkaClusterTestKit cluster;

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            Exit.setExitProcedure((status, message) ->
                    System.err.printf("test Kafka broker asked to exit (%d): %s%n", status, message));
            Exit.setHaltProcedure((status, message) ->
                    System.err.printf("test Kafka broker asked to halt (%d): %s%n", status, message));
            try {
                KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                        .setConfigProp("auto.create.topics.enable", "true")
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("num.partitions", "3")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .build();
                kit.format();
                kit.startup();
                kit.waitForReadyBrokers();
                createTopics(kit.bootstrapServers());
                Runtime.getRuntime().addShutdownHook(new Thread(TestKafka::stop));
                cluster = kit;
            } catch (Exception e) {
                throw new IllegalStateException("test Kafka broker did not start", e);
            }
        }
        return cluster.bootstrapServers();
    }

    /**
     * The topics of the contract with the settings an installation gives them: the state topics
     * compacted, the event topics with their known retention (any other topic is auto-created).
     */
    private static void createTopics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String topic : List.of(Topics.ORGANIZATION_STATE, Topics.GRANT_STATE)) {
                topics.add(new NewTopic(topic, Optional.empty(), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            }
            for (String topic : List.of(Topics.ORGANIZATION, Topics.MEMBERSHIP, Topics.GRANT, Topics.API_KEY)) {
                topics.add(new NewTopic(topic, Optional.empty(), Optional.empty()).configs(Map.of(
                        TopicConfig.RETENTION_MS_CONFIG, Long.toString(Topics.EVENTS_RETENTION.toMillis()))));
            }
            admin.createTopics(topics).all().get();
        }
    }

    /** Stops the broker now (a later {@link #bootstrapServers()} starts a new one). */
    public static synchronized void stop() {
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                System.err.println("test Kafka broker did not close cleanly: " + e);
            }
            cluster = null;
        }
    }
}
