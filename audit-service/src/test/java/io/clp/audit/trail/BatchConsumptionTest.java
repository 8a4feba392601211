package io.clp.audit.trail;

import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestEvents;
import io.clp.testing.TestKafka;
import io.clp.testing.TestPostgres;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The change stream is consumed a poll at a time: bursts, redeliveries and poison records within one poll. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "audit"))
class BatchConsumptionTest {

    private static final AtomicLong TX = new AtomicLong(2_000_000_000L + System.nanoTime() % 1_000_000_000L);
    private static final String DLQ = "clp.cdc.audit-trail.dlq";

    static String memberChange(UUID orgId, UUID id, long txId, long lsn) {
        return """
                {"before": null,
                 "after": {"id": "%s", "org_id": "%s", "role": "analyst"},
                 "source": {"schema": "identity", "table": "org_memberships", "txId": %d, "lsn": %d, "ts_ms": 1790000000000},
                 "op": "c"}""".formatted(id, orgId, txId, lsn);
    }

    static String context(String actor, UUID userId, long txId, long lsn) {
        return """
                {"before": null,
                 "after": {"id": "%s", "tx_id": %d, "actor": "%s", "user_id": "%s", "actor_name": "Ada",
                           "request_id": "req-%d", "service": "identity"},
                 "source": {"schema": "identity", "table": "transaction_context", "txId": %d, "lsn": %d, "ts_ms": 1790000000000},
                 "op": "c"}""".formatted(UUID.randomUUID(), txId, actor, userId, txId, txId, lsn);
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.LINGER_MS_CONFIG, 20));
    }

    @Test
    void aBurstOfTwoThousandChangesIsRecordedExactlyOnceWithItsAuthorInFewTransactions() throws Exception {
        UUID orgId = UUID.randomUUID();
        long inboxBefore = TestDatabase.count("SELECT count(*) FROM audit.processed_event WHERE consumer = 'audit-trail'");
        int transactions = 1000;
        List<UUID> users = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < transactions; i++) {
                long tx = TX.incrementAndGet();
                UUID user = UUID.randomUUID();
                users.add(user);
                ProducerRecord<String, String> ctx = new ProducerRecord<>("clp.cdc.identity.transaction_context", "k",
                        context("user:" + user, user, tx, tx * 10));
                List<ProducerRecord<String, String>> changes = new ArrayList<>();
                for (int c = 1; c <= 2; c++) {
                    UUID id = UUID.randomUUID();
                    changes.add(new ProducerRecord<>("clp.cdc.identity.org_memberships", id.toString(),
                            memberChange(orgId, id, tx, tx * 10 + c)));
                }
                // half of the transactions' contexts come before their changes, half after
                if (i % 2 == 0) {
                    producer.send(ctx);
                }
                changes.forEach(producer::send);
                if (i % 10 == 0) {
                    changes.forEach(producer::send); // redelivered
                }
                if (i % 2 == 1) {
                    producer.send(ctx);
                }
            }
            producer.flush();
        }

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM audit.audit_logs WHERE org_id = ? AND actor IS NOT NULL", orgId) >= 2 * transactions);
        Thread.sleep(1000); // anything still in flight would be a duplicate
        assertThat(TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ?", orgId))
                .as("every change once, redeliveries included").isEqualTo(2L * transactions);
        assertThat(TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ? "
                + "AND actor <> 'user:' || user_id::text", orgId)).as("attributed to their own transaction's author").isZero();
        assertThat(TestDatabase.count("SELECT count(DISTINCT user_id) FROM audit.audit_logs WHERE org_id = ?", orgId))
                .isEqualTo(transactions);
        assertThat(TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ? AND request_id = 'req-' || tx_id",
                orgId)).isEqualTo(2L * transactions);
        // one transaction (and so one xmin) per poll, not one per change
        assertThat(TestDatabase.count("SELECT count(DISTINCT xmin::text) FROM audit.audit_logs WHERE org_id = ?", orgId))
                .as("transactions that wrote the trail of 2,000 changes").isLessThan(transactions / 2);
        assertThat(TestDatabase.count("SELECT count(*) FROM audit.processed_event WHERE consumer = 'audit-trail'"))
                .as("no inbox row per change").isEqualTo(inboxBefore);
        // time-ordered ids (version 7), so a poll's entries are appended to the primary key instead of scattered over it
        assertThat(TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ? "
                + "AND substr(id::text, 15, 1) = '7' AND abs(extract(epoch FROM created_at) * 1000 "
                + "- ('x' || substr(replace(id::text, '-', ''), 1, 12))::bit(48)::bigint) < 1000", orgId))
                .as("entries whose id is a version 7 id of the time they were written").isEqualTo(2L * transactions);
    }

    @Test
    void changesFlowingWhileTheTrailLosesItsDatabaseConnectionsAreAllRecordedOnce() throws Exception {
        UUID orgId = UUID.randomUUID();
        int changes = 1000;
        AtomicLong cuts = new AtomicLong();
        Thread cutter = new Thread(() -> {
            // a PostgreSQL restart, as the trail sees it: its connections are closed under it, again and again
            while (!Thread.currentThread().isInterrupted()) {
                cuts.addAndGet(TestDatabase.count(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = 'clp_audit'"));
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < changes; i++) {
                long tx = TX.incrementAndGet();
                UUID id = UUID.randomUUID();
                producer.send(new ProducerRecord<>("clp.cdc.identity.org_memberships", id.toString(), memberChange(orgId, id, tx, tx * 10)));
                if (i == 99) {
                    producer.flush();
                    // the trail is consuming this topic: cut its connections while the rest flows
                    await().atMost(Duration.ofSeconds(60)).until(() ->
                            TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ?", orgId) > 0);
                    cutter.start();
                } else if (i > 99 && i % 50 == 0) {
                    producer.flush();
                    Thread.sleep(150);
                }
            }
            producer.flush();
            Thread.sleep(1000);
        } finally {
            cutter.interrupt();
            cutter.join();
        }
        assertThat(cuts.get()).as("connections closed under the trail").isPositive();
        await().atMost(Duration.ofSeconds(90)).until(() ->
                TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ?", orgId) >= changes);
        Thread.sleep(1000);
        assertThat(TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ?", orgId)).isEqualTo(changes);
        assertThat(deadLettersMentioning(orgId.toString())).as("nothing dead-lettered for a failure that passes").isEmpty();
    }

    @Test
    void changesFlowingThroughADatabaseOutageOfHalfAMinuteAreAllRecordedAndNoneDeadLettered() throws Exception {
        // longer than any in-handler retry bound: the trail waits for the database, it does not give up on the poll
        UUID orgId = UUID.randomUUID();
        int changes = 300;
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < changes; i++) {
                long tx = TX.incrementAndGet();
                UUID id = UUID.randomUUID();
                producer.send(new ProducerRecord<>("clp.cdc.identity.org_memberships", id.toString(), memberChange(orgId, id, tx, tx * 10)));
                if (i == 49) {
                    producer.flush();
                    await().atMost(Duration.ofSeconds(60)).until(() ->
                            TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ?", orgId) > 0);
                    CompletableFuture<Void> outage = CompletableFuture.runAsync(() -> TestPostgres.get().restart(Duration.ofSeconds(30)));
                    Thread.sleep(2000);
                    for (int j = 0; j < 100; j++) {
                        long t = TX.incrementAndGet();
                        UUID m = UUID.randomUUID();
                        producer.send(new ProducerRecord<>("clp.cdc.identity.org_memberships", m.toString(), memberChange(orgId, m, t, t * 10)));
                    }
                    producer.flush();
                    outage.get();
                }
            }
            producer.flush();
        }
        int expected = changes + 100;
        await().atMost(Duration.ofSeconds(120)).until(() ->
                TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ?", orgId) >= expected);
        Thread.sleep(1000);
        assertThat(TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ?", orgId)).isEqualTo(expected);
        assertThat(deadLettersMentioning(orgId.toString())).as("nothing dead-lettered for a failure that passes").isEmpty();
    }

    @Test
    void aPoisonRecordInAPollIsDeadLetteredAloneWhileTheRestOfThePollIsRecorded() throws Exception {
        UUID orgId = UUID.randomUUID();
        String poison = "{not json " + orgId;
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 200; i++) {
                long tx = TX.incrementAndGet();
                UUID id = UUID.randomUUID();
                producer.send(new ProducerRecord<>("clp.cdc.identity.org_memberships", id.toString(), memberChange(orgId, id, tx, tx * 10)));
                if (i == 100) {
                    producer.send(new ProducerRecord<>("clp.cdc.identity.org_memberships", "poison", poison));
                    // readable JSON, but a context that names no one cannot be recorded either
                    producer.send(new ProducerRecord<>("clp.cdc.identity.transaction_context", "k", """
                            {"before": null, "after": {"id": "%s", "tx_id": %d},
                             "source": {"schema": "identity", "table": "transaction_context", "txId": %d, "lsn": 1, "ts_ms": 1790000000000},
                             "op": "c"}""".formatted(orgId, tx, tx)));
                }
            }
            producer.flush();
        }

        await().atMost(Duration.ofSeconds(60)).until(() ->
                TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ?", orgId) == 200);
        List<ConsumerRecord<String, String>> deadLetters = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            deadLetters.clear();
            deadLetters.addAll(deadLettersMentioning(orgId.toString()));
            return deadLetters.size() >= 2;
        });
        assertThat(deadLetters).as("only the two unreadable records").hasSize(2);
        assertThat(deadLetters).extracting(ConsumerRecord::value).contains(poison);
        ConsumerRecord<String, String> first = deadLetters.stream().filter(r -> r.value().equals(poison)).findFirst().orElseThrow();
        assertThat(new String(first.headers().lastHeader("dead-letter-topic").value(), StandardCharsets.UTF_8))
                .isEqualTo("clp.cdc.identity.org_memberships");
        assertThat(first.headers().lastHeader("dead-letter-reason")).isNotNull();
    }

    @Test
    void theDeletionOfATransactionContextIsNotATrailEntry() throws Exception {
        UUID marker = UUID.randomUUID();
        long tx = TX.incrementAndGet();
        try (KafkaProducer<String, String> producer = producer()) {
            // what the pruner's deletes look like on the stream, whether or not the connector still captures them
            producer.send(new ProducerRecord<>("clp.cdc.identity.transaction_context", "k", """
                    {"before": {"id": "%s"}, "after": null,
                     "source": {"schema": "identity", "table": "transaction_context", "txId": %d, "lsn": %d, "ts_ms": 1790000000000},
                     "op": "d"}""".formatted(marker, tx, tx * 10)));
            long next = TX.incrementAndGet();
            UUID id = UUID.randomUUID();
            producer.send(new ProducerRecord<>("clp.cdc.identity.org_memberships", id.toString(), memberChange(marker, id, next, next * 10)));
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE org_id = ?", marker) == 1);
        assertThat(TestDatabase.count("SELECT count(*) FROM audit.audit_logs WHERE resource_type = 'transaction_context'")).isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM audit.transaction_contexts WHERE id = ?", marker)).isZero();
    }

    private static List<ConsumerRecord<String, String>> deadLettersMentioning(String text) {
        return TestEvents.readAll(DLQ).stream().filter(r -> r.value() != null && r.value().contains(text)).toList();
    }
}
