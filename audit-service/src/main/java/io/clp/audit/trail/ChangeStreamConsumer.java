package io.clp.audit.trail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.Map;

/**
 * Consumes the change streams of every service schema ({@code clp.cdc.*}). A record that is not a
 * readable change event fails here and goes to the dead-letter topic instead of stalling the stream.
 */
@ApplicationScoped
public class ChangeStreamConsumer {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    @Inject
    ObjectMapper json;

    @Inject
    AuditTrail trail;

    @Incoming("cdc")
    public Uni<Void> consume(String value) {
        if (value == null) {
            return Uni.createFrom().voidItem(); // a tombstone follows a delete; the delete itself was recorded
        }
        ChangeEvent event;
        try {
            JsonNode node = json.readTree(value);
            event = ChangeEvent.parse(node, n -> json.convertValue(n, MAP));
        } catch (Exception e) {
            return Uni.createFrom().failure(new IllegalArgumentException("unreadable change event: " + e.getMessage(), e));
        }
        return trail.record(event);
    }
}
