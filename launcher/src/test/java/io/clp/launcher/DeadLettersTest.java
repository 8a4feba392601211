package io.clp.launcher;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLettersTest {

    private static RecordHeader h(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** As smallrye's delayed-retry strategy leaves a message that failed on its topic, then on a retry topic, then went to the DLQ. */
    private static ConsumerRecord<byte[], byte[]> deadLetteredAfterARetry() {
        RecordHeaders headers = new RecordHeaders();
        // the last failure's headers come first, then everything the retried copy carried
        headers.add(h("delayed-retry-exception-class-name", "java.net.ConnectException"));
        headers.add(h("delayed-retry-reason", "Connection refused (second)"));
        headers.add(h("delayed-retry-topic", "clp.events.organization.campaign-organizations.retry_30000"));
        headers.add(h("delayed-retry-partition", "1"));
        headers.add(h("delayed-retry-offset", "0"));
        headers.add(h("clp-failure", "transient"));
        headers.add(h("delayed-retry-exception-class-name", "java.net.ConnectException"));
        headers.add(h("delayed-retry-reason", "Connection refused (first)"));
        headers.add(h("delayed-retry-topic", "clp.events.organization"));
        headers.add(h("delayed-retry-partition", "1"));
        headers.add(h("delayed-retry-offset", "41"));
        headers.add(h("clp-failure", "transient"));
        headers.add(h("ce_id", "6d0f7c1e-2f0a-4d4b-9b8e-2a1f1f0d0c01"));
        headers.add(h("ce_type", "io.clp.organization.created.v1"));
        headers.add(h("ce_orgid", "0b7a4a9e-3a57-4e0b-a8d2-7f1d2f5d6c3b"));
        headers.add(h("delayed-retry-original-timestamp", "1764662400000"));
        headers.add(h("delayed-retry-count", "0"));
        headers.add(h("delayed-retry-count", "1"));
        return new ConsumerRecord<>("clp.events.organization.campaign-organizations.dlq", 1, 7, 1764662460000L, TimestampType.CREATE_TIME,
                -1, -1, "key".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8), headers, Optional.empty());
    }

    @Test
    void aDeadLetteredMessageIsListedWithItsOriginalTopicAndItsLatestReason() {
        DeadLetters.Entry entry = DeadLetters.entry(deadLetteredAfterARetry());

        assertThat(entry.originalTopic()).isEqualTo("clp.events.organization");
        assertThat(entry.reason()).isEqualTo("Connection refused (second)");
        assertThat(entry.failure()).isEqualTo("transient");
        assertThat(entry.eventId()).isEqualTo("6d0f7c1e-2f0a-4d4b-9b8e-2a1f1f0d0c01");
        assertThat(entry.offset()).isEqualTo(7);
    }

    @Test
    void aReplayedMessageCarriesItsEventHeadersAndNoneOfTheDeadLetterOnes() {
        RecordHeaders headers = DeadLetters.originalHeaders(deadLetteredAfterARetry());

        assertThat(headers).extracting(org.apache.kafka.common.header.Header::key).containsExactly("ce_id", "ce_type", "ce_orgid");
    }

    @Test
    void dlqWithoutASubcommandPrintsItsUsage() {
        assertThat(Clp.dlq(java.util.List.of(), java.util.Map.of(), System.out)).isEqualTo(2);
        assertThat(Clp.dlq(java.util.List.of("replay", "topic", "--some"), java.util.Map.of(), System.out)).isEqualTo(2);
    }

    @Test
    void aReplayGoesOnlyToTheTopicTheDeadLetterTopicIsNamedAfterAndNeverToAStateTopic() {
        assertThat(DeadLetters.replayRefusal("clp.events.grant.campaign-entity-grants.dlq", "clp.events.grant")).isNull();
        // a header naming another topic (forged, or mistaken) is refused
        assertThat(DeadLetters.replayRefusal("clp.events.organization.campaign-organizations.dlq", "clp.events.grant"))
                .contains("not the one");
        assertThat(DeadLetters.replayRefusal("clp.events.grant.campaign-entity-grants.dlq", null)).contains("no original topic");
        // the audit trail's one dead-letter topic serves every change stream, and only those
        assertThat(DeadLetters.replayRefusal("clp.cdc.audit-trail.dlq", "clp.cdc.identity.organizations")).isNull();
        assertThat(DeadLetters.replayRefusal("clp.cdc.audit-trail.dlq", "clp.events.grant")).contains("not the one");
        // an old state appended to a compacted topic would be what a rebuild learns
        assertThat(DeadLetters.replayRefusal("clp.state.grant.campaign-grant-states.dlq", "clp.state.grant"))
                .contains("reset the consumer's group");
    }
}
