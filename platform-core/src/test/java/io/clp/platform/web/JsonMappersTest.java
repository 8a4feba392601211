package io.clp.platform.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class JsonMappersTest {

    public record Point(UUID id, String day, long impressions, Long clicks, String note, List<String> labels) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Totals(String spend, String ctr) {
    }

    @Test
    void propertiesAreReadThroughGeneratedLambdasAndTheJsonStaysTheSame() throws Exception {
        ObjectMapper plain = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
        ObjectMapper tuned = plain.copy();
        new JsonMappers().customize(tuned);
        assertThat(tuned.getRegisteredModuleIds()).contains(new BlackbirdModule().getTypeId());

        Point point = new Point(UUID.fromString("6f1c2a7e-0d1b-4c59-9d1e-1f0c9a8b7c6d"), "2026-06-01", 1200, null, null,
                List.of("brand"));
        for (Object value : List.of(point, new Totals("12.500000", null), List.of(point, point))) {
            assertThat(tuned.writeValueAsString(value)).isEqualTo(plain.writeValueAsString(value));
        }
        assertThat(tuned.writeValueAsString(new Totals("1", null))).isEqualTo("{\"spend\":\"1\",\"ctr\":null}");
        assertThat(tuned.readValue(plain.writeValueAsString(point), Point.class)).isEqualTo(point);
    }
}
