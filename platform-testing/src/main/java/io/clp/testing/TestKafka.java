package io.clp.testing;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** One real in-JVM KRaft broker (combined broker and controller) per test JVM. */
public final class TestKafka {

    private static KafkaClusterTestKit cluster;

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (cluster == null) {
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
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        kit.close();
                    } catch (Exception ignored) {
                        // the JVM is exiting
                    }
                }));
                cluster = kit;
            } catch (Exception e) {
                throw new IllegalStateException("test Kafka broker did not start", e);
            }
        }
        return cluster.bootstrapServers();
    }
}
