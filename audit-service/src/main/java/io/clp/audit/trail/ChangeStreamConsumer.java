package io.clp.audit.trail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.platform.messaging.Failures;
import io.clp.platform.problem.DatabaseErrors;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Consumes the change streams of every service schema ({@code clp.cdc.*}) a poll at a time: the
 * readable records of a poll are recorded in one transaction ({@link AuditTrail#record(AuditTrail.Batch)}),
 * so the trail keeps up with bursts of thousands of changes a second.
 *
 * <p>A record that is not a readable change event is sent to the dead-letter topic on its own and
 * the rest of the poll is recorded. A transient failure (the database restarting, a deadlock)
 * retries the whole poll with backoff (at most {@link #RETRY_MAX} apart) until it passes: the trail
 * must keep every change in order, a redelivered change is recognised by its {@code change_id}, and
 * a change dead-lettered for a passing reason would be a hole in the trail until someone replayed
 * it. So the channel does not apply smallrye-kafka's limit for an unacknowledged record
 * ({@code throttled.unprocessed-record-max-age.ms=0}); the trail's lag shows the wait instead. If the
 * database refuses the poll for good (a value it cannot store), the poll is recorded change by change
 * so that only the record at fault is dead-lettered; a statement it refuses (a missing privilege or
 * relation) or a fault of the trail's own code is the trail's, not a change's, and is waited out
 * ({@link #refusedForGood}).
 *
 * <p>The dead-letter topic is the {@code cdc} channel's own setting, read as one property: a
 * {@code @ConfigMapping} would have to claim every smallrye-kafka property of the channel.
 */
@ApplicationScoped
public class ChangeStreamConsumer {

    private static final Logger LOG = Logger.getLogger(ChangeStreamConsumer.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    static final Duration RETRY_FIRST = Duration.ofMillis(200);
    static final Duration RETRY_MAX = Duration.ofSeconds(5);

    private final ObjectMapper json;
    private final AuditTrail trail;
    private final MutinyEmitter<String> deadLetters;
    private final String deadLetterTopic;

    ChangeStreamConsumer(ObjectMapper json, AuditTrail trail,
                         @Channel("cdc-dead-letters") MutinyEmitter<String> deadLetters,
                         @ConfigProperty(name = "mp.messaging.incoming.cdc.dead-letter-queue.topic",
                                 defaultValue = "clp.cdc.audit-trail.dlq") String deadLetterTopic) {
        this.json = json;
        this.trail = trail;
        this.deadLetters = deadLetters;
        this.deadLetterTopic = deadLetterTopic;
    }

    private record Readable(ConsumerRecord<String, String> record, ChangeEvent event) {
    }

    @Incoming("cdc")
    public Uni<Void> consume(ConsumerRecords<String, String> records) {
        AuditTrail.Batch batch = trail.batch();
        List<Readable> readable = new ArrayList<>(records.count());
        List<Uni<Void>> rejected = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            if (record.value() == null) {
                continue; // a tombstone follows a delete; the delete itself is recorded
            }
            try {
                ChangeEvent event = parse(record.value());
                batch.add(event);
                readable.add(new Readable(record, event));
            } catch (RuntimeException e) {
                rejected.add(deadLetter(record, new Failures.Permanent("unreadable change event: " + e.getMessage(), e)));
            }
        }
        return retried(() -> trail.record(batch))
                .onFailure(ChangeStreamConsumer::refusedForGood).recoverWithUni(refused -> oneByOne(readable, refused))
                .chain(() -> rejected.isEmpty() ? Uni.createFrom().voidItem()
                        : Uni.join().all(rejected).andFailFast().replaceWithVoid());
    }

    private ChangeEvent parse(String value) {
        try {
            JsonNode node = json.readTree(value);
            return ChangeEvent.parse(node, n -> json.convertValue(n, MAP));
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static Uni<Void> retried(java.util.function.Supplier<Uni<? extends Void>> work) {
        return Uni.createFrom().deferred(work)
                .onFailure(e -> !refusedForGood(e)).invoke(e -> LOG.warnf("recording a poll failed, retrying: %s", e.toString()))
                .onFailure(e -> !refusedForGood(e)).retry().withBackOff(RETRY_FIRST, RETRY_MAX).indefinitely();
    }

    /**
     * Whether the trail refuses a change for good, for something in the change itself: a value the database cannot
     * store or a check it fails (SQLSTATE classes 22, 23 and P0), or a change marked {@link Failures.Permanent}. Any
     * other failure, however permanent it looks (a statement the database refuses: a privilege or a relation missing;
     * a fault of the trail's own code), would refuse every change behind it the same way, and dead-lettering them would
     * leave holes in the trail: it is waited out, like a database restart, and the trail's lag shows it.
     */
    static boolean refusedForGood(Throwable failure) {
        return DatabaseErrors.chain(failure).stream().anyMatch(e -> e instanceof Failures.Permanent)
                || DatabaseErrors.anySqlState(failure, state -> state.startsWith("22") || state.startsWith("23") || state.startsWith("P0"));
    }

    /**
     * The poll as a whole was refused: each change alone, so that only the ones the database refuses
     * go to the dead-letter topic; a transient failure of one is retried like a poll's.
     */
    private Uni<Void> oneByOne(List<Readable> readable, Throwable refused) {
        LOG.warnf("a poll of %d changes was refused (%s); recording them one by one", readable.size(), refused.toString());
        return Multi.createFrom().iterable(readable)
                .onItem().transformToUniAndConcatenate(r -> retried(() -> trail.record(r.event()))
                        .onFailure(ChangeStreamConsumer::refusedForGood).recoverWithUni(e -> deadLetter(r.record(), e)))
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> deadLetter(ConsumerRecord<String, String> record, Throwable reason) {
        LOG.warnf("change event at %s-%d@%d dead-lettered: %s", record.topic(), record.partition(), record.offset(), reason.getMessage());
        RecordHeaders headers = new RecordHeaders();
        record.headers().forEach(headers::add);
        headers.add(KafkaDeadLetterQueue.DEAD_LETTER_REASON, bytes(reason.getMessage()));
        headers.add(KafkaDeadLetterQueue.DEAD_LETTER_EXCEPTION_CLASS_NAME, bytes(reason.getClass().getName()));
        if (reason.getCause() != null) {
            headers.add(KafkaDeadLetterQueue.DEAD_LETTER_CAUSE, bytes(reason.getCause().getMessage()));
            headers.add(KafkaDeadLetterQueue.DEAD_LETTER_CAUSE_CLASS_NAME, bytes(reason.getCause().getClass().getName()));
        }
        headers.add(KafkaDeadLetterQueue.DEAD_LETTER_TOPIC, bytes(record.topic()));
        headers.add(KafkaDeadLetterQueue.DEAD_LETTER_PARTITION, bytes(Integer.toString(record.partition())));
        headers.add(KafkaDeadLetterQueue.DEAD_LETTER_OFFSET, bytes(Long.toString(record.offset())));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(deadLetterTopic)
                .withKey(record.key())
                .withHeaders(headers)
                .build();
        return deadLetters.sendMessage(Message.of(record.value()).addMetadata(metadata));
    }

    private static byte[] bytes(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }
}
