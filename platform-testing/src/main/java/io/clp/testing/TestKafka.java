package io.clp.testing;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.test.TestKitNodes;

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
                Runtime.getRuntime().addShutdownHook(new Thread(TestKafka::stop));
                cluster = kit;
            } catch (Exception e) {
                throw new IllegalStateException("test Kafka broker did not start", e);
            }
        }
        return cluster.bootstrapServers();
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
