package io.clp.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.clp.events.identity.OrganizationCreated;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class OrganizationCreatedContractTest {

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Test
    void routesToTheOrganizationTopicKeyedByTheOrganizationId() {
        UUID id = UUID.randomUUID();
        OrganizationCreated event = new OrganizationCreated(id, "Acme", "acme", "trial", "free", null, null,
                UUID.randomUUID(), Instant.now(), 0L);

        assertThat(Topics.events(event.aggregateType())).isEqualTo("clp.events.organization");
        assertThat(event.aggregateId()).isEqualTo(id);
        assertThat(event.orgId()).isEqualTo(id);
        assertThat(event.eventType()).isEqualTo("io.clp.organization.created.v1");
        assertThat(event.subject()).isEqualTo("organizations/" + id);
    }

    @Test
    void serializesWithTheDocumentedFieldNames() throws Exception {
        UUID id = UUID.randomUUID();
        OrganizationCreated event = new OrganizationCreated(id, "Acme", "acme", "trial", "free",
                new BigDecimal("1000.00"), "EUR", UUID.randomUUID(), Instant.parse("2026-01-02T03:04:05Z"), 3L);

        JsonNode node = json.valueToTree(event);

        assertThat(node.fieldNames()).toIterable().containsExactlyInAnyOrder(
                "id", "name", "slug", "status", "plan", "monthlyBudget", "currency", "createdBy", "createdAt", "version");
        assertThat(node.get("createdAt").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(node.get("monthlyBudget").decimalValue()).isEqualByComparingTo("1000.00");
        assertThat(node.get("version").asLong()).isEqualTo(3);
    }

    @Test
    void readsAnEventFromBeforeVersionsExistedWithoutAVersion() throws Exception {
        UUID id = UUID.randomUUID();
        String old = "{\"id\": \"" + id + "\", \"name\": \"Acme\", \"slug\": \"acme\", \"status\": \"trial\","
                + " \"plan\": \"free\", \"createdBy\": \"" + UUID.randomUUID() + "\", \"createdAt\": \"2026-01-02T03:04:05Z\"}";

        OrganizationCreated event = json.readValue(old, OrganizationCreated.class);

        assertThat(event.id()).isEqualTo(id);
        assertThat(event.version()).isNull();
    }
}
