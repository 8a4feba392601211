package io.clp.audit.trail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeEventTest {

    private final ObjectMapper json = new ObjectMapper();

    private ChangeEvent parse(String text) throws Exception {
        return ChangeEvent.parse(json.readTree(text), n -> json.convertValue(n, new TypeReference<Map<String, Object>>() {
        }));
    }

    @Test
    void anUpdateNamesItsOrganizationAndOnlyTheFieldsThatChanged() throws Exception {
        UUID id = UUID.randomUUID();
        UUID org = UUID.randomUUID();
        ChangeEvent event = parse("""
                {"before": {"id": "%1$s", "org_id": "%2$s", "name": "A", "budget": "10.00"},
                 "after":  {"id": "%1$s", "org_id": "%2$s", "name": "B", "budget": "10.00"},
                 "op": "u", "source": {"schema": "campaign", "table": "campaigns", "txId": 7, "lsn": 99, "ts_ms": 1}}
                """.formatted(id, org));

        assertThat(event.action()).contains("update");
        assertThat(event.resourceId()).contains(id);
        assertThat(event.orgId()).contains(org);
        assertThat(event.changes()).containsOnlyKeys("name")
                .containsEntry("name", Map.of("old", "A", "new", "B"));
    }

    @Test
    void anOrganizationBelongsToItselfAndADeleteKeepsTheOldRow() throws Exception {
        UUID id = UUID.randomUUID();
        ChangeEvent event = parse("""
                {"before": {"id": "%s", "slug": "acme"}, "after": null, "op": "d",
                 "source": {"schema": "identity", "table": "organizations", "txId": 8, "lsn": 100, "ts_ms": 1}}
                """.formatted(id));

        assertThat(event.action()).contains("delete");
        assertThat(event.orgId()).contains(id);
        assertThat(event.before()).containsEntry("slug", "acme");
    }

    @Test
    void snapshotReadsAreNotChangesAndTheSameChangeHasTheSameId() throws Exception {
        String read = """
                {"before": null, "after": {"id": "%s"}, "op": "r",
                 "source": {"schema": "rules", "table": "rules", "txId": 9, "lsn": 101, "ts_ms": 1}}
                """.formatted(UUID.randomUUID());
        assertThat(parse(read).action()).isEmpty();
        assertThat(parse(read).eventId()).isEqualTo(parse(read).eventId());
    }

    @Test
    void refusesRecordsThatAreNotChangeEvents() {
        assertThatThrownBy(() -> parse("{\"hello\": \"world\"}")).isInstanceOf(IllegalArgumentException.class);
    }
}
