package io.clp.platform.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.clp.events.DomainEvent;
import io.clp.events.identity.OrganizationCreated;
import io.clp.events.identity.OrganizationDeleted;
import io.clp.events.identity.OrganizationEvent;
import io.clp.events.identity.OrganizationUpdated;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventHandlersTest {

    private static final ObjectMapper JSON = EventJsonProducer.tolerant(new ObjectMapper().registerModule(new JavaTimeModule()));

    private final List<Object> seen = new ArrayList<>();

    private Uni<Void> record(Object event, String context) {
        seen.add(event);
        seen.add(context);
        return Uni.createFrom().voidItem();
    }

    private static String created(UUID id) {
        return """
                {"id": "%s", "name": "Acme", "slug": "acme", "status": "trial", "plan": "free",
                 "createdAt": "2026-01-02T03:04:05Z", "version": 3, "addedLater": {"any": "shape"}}
                """.formatted(id);
    }

    @Test
    void anEventIsReadIntoItsClassToleratingFieldsAddedLaterAndHandedToItsHandler() throws Exception {
        EventHandlers<String> handlers = EventHandlers.<String>reading(JSON)
                .on(OrganizationCreated.class, this::record)
                .build();
        UUID id = UUID.randomUUID();

        handlers.dispatch(OrganizationCreated.TYPE, created(id), "ctx").await().indefinitely();

        assertThat(seen).hasSize(2);
        OrganizationCreated org = (OrganizationCreated) seen.get(0);
        assertThat(org.id()).isEqualTo(id);
        assertThat(org.createdAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(org.version()).isEqualTo(3L);
        assertThat(seen.get(1)).isEqualTo("ctx");
    }

    @Test
    void aTypeWithoutAHandlerIsSkippedUnread() throws Exception {
        EventHandlers<String> handlers = EventHandlers.<String>reading(JSON)
                .on(OrganizationCreated.class, this::record)
                .build();

        handlers.dispatch(OrganizationDeleted.TYPE, "not even json", "ctx").await().indefinitely();
        handlers.dispatch("io.clp.something.else.v1", "{}", "ctx").await().indefinitely();
        handlers.dispatch(null, "{}", "ctx").await().indefinitely();

        assertThat(seen).isEmpty();
    }

    @Test
    void anInterfaceHandlesEachOfItsEventsReadIntoItsOwnClass() throws Exception {
        EventHandlers<String> handlers = EventHandlers.<String>reading(JSON)
                .on(OrganizationEvent.class, this::record)
                .build();
        UUID id = UUID.randomUUID();

        handlers.dispatch(OrganizationUpdated.TYPE, "{\"id\": \"" + id + "\", \"status\": \"active\"}", "u").await().indefinitely();
        handlers.dispatch(OrganizationDeleted.TYPE, "{\"id\": \"" + id + "\"}", "d").await().indefinitely();

        assertThat(seen).extracting(Object::getClass).containsExactly(OrganizationUpdated.class, String.class,
                OrganizationDeleted.class, String.class);
        assertThat(handlers.types()).contains(OrganizationCreated.TYPE, OrganizationUpdated.TYPE, OrganizationDeleted.TYPE);
    }

    @Test
    void anUnreadablePayloadFailsAsAPermanentFailure() {
        EventHandlers<String> handlers = EventHandlers.<String>reading(JSON)
                .on(OrganizationCreated.class, this::record)
                .build();

        assertThatThrownBy(() -> handlers.dispatch(OrganizationCreated.TYPE, "{\"id\": \"not-a-uuid\"}", "ctx"))
                .satisfies(e -> assertThat(Failures.isPermanent(e)).isTrue());
        assertThatThrownBy(() -> handlers.dispatch(OrganizationCreated.TYPE, "{unreadable", "ctx"))
                .satisfies(e -> assertThat(Failures.isPermanent(e)).isTrue());
        assertThat(seen).isEmpty();
    }

    @Test
    void aClassOutsideTheCatalogueFailsWhenTheTableIsBuiltNotWhenAMessageArrives() {
        record Uncatalogued(UUID aggregateId) implements DomainEvent {
            public String aggregateType() {
                return "uncatalogued";
            }

            public String eventType() {
                return "io.clp.uncatalogued.v1";
            }

            public UUID orgId() {
                return null;
            }
        }
        EventHandlers.Builder<String> builder = EventHandlers.reading(JSON);

        assertThatThrownBy(() -> builder.on(Uncatalogued.class, (event, ctx) -> Uni.createFrom().voidItem()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Uncatalogued");
    }

    @Test
    void aTypeHandledTwiceFailsWhenTheTableIsBuilt() {
        EventHandlers.Builder<String> builder = EventHandlers.<String>reading(JSON).on(OrganizationEvent.class, this::record);

        assertThatThrownBy(() -> builder.on(OrganizationCreated.class, this::record))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(OrganizationCreated.TYPE);
    }
}
