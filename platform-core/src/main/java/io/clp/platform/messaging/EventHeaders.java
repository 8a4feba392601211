package io.clp.platform.messaging;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Reads the CloudEvents headers (see {@code io.clp.events.CloudEventHeaders}) of a consumed Kafka record. */
public final class EventHeaders {

    private EventHeaders() {
    }

    public static Optional<String> read(Message<?> message, String name) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(meta -> meta.getHeaders().lastHeader(name))
                // the relay writes a null column (an optional attribute, a row from before a column existed) as a header without a value
                .filter(h -> h.value() != null)
                .map(h -> new String(h.value(), StandardCharsets.UTF_8));
    }

    public static String require(Message<?> message, String name) {
        return read(message, name).orElseThrow(() -> new IllegalArgumentException("the event has no " + name + " header"));
    }
}
