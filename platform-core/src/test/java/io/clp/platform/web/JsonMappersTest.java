package io.clp.platform.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import io.clp.platform.problem.FieldError;
import io.clp.platform.problem.ProblemDetail;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class JsonMappersTest {

    public record Point(UUID id, String day, long impressions, Long clicks, String note, List<String> labels) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Totals(String spend, String ctr) {
    }

    public enum Status { ACTIVE, PAUSED }

    /** The kinds of property the API's views hold: dates and instants, an enum, a JSON column copied as it is. */
    public record View(Status status, LocalDate startDate, Instant updatedAt, Optional<String> note,
                       @JsonRawValue String pacing, Map<String, Object> extra) {
    }

    @Test
    void propertiesAreReadThroughGeneratedLambdasAndTheJsonStaysTheSame() throws Exception {
        // the modules Quarkus registers itself (Blackbird's jar also offers it to findAndRegisterModules, which Quarkus does not call)
        ObjectMapper plain = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .registerModule(new JavaTimeModule()).registerModule(new Jdk8Module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        ObjectMapper tuned = plain.copy();
        new JsonMappers().customize(tuned);
        assertThat(plain.getRegisteredModuleIds()).doesNotContain(new BlackbirdModule().getTypeId());
        assertThat(tuned.getRegisteredModuleIds()).contains(new BlackbirdModule().getTypeId());
        assertThat(writers(plain, View.class)).noneMatch(name -> name.startsWith("com.fasterxml.jackson.module.blackbird"));
        assertThat(writers(tuned, View.class)).anyMatch(name -> name.startsWith("com.fasterxml.jackson.module.blackbird"));

        Point point = new Point(UUID.fromString("6f1c2a7e-0d1b-4c59-9d1e-1f0c9a8b7c6d"), "2026-06-01", 1200, null, null,
                List.of("brand"));
        View view = new View(Status.PAUSED, LocalDate.of(2026, 3, 29), Instant.parse("2026-03-29T01:30:00.123456Z"),
                Optional.empty(), "{\"rate\": 1.02}", Map.of("k", List.of(1, "two")));
        ProblemDetail problem = new ProblemDetail("urn:clp:problem:validation", "Invalid", 400, null, "/x", "r-1",
                List.of(new FieldError("name", "must not be blank")));
        for (Object value : List.of(point, new Totals("12.500000", null), List.of(point, point), view, problem,
                new ProblemDetail("urn:clp:problem:not-found", "Not found", 404, null, null, null, List.of()))) {
            assertThat(tuned.writeValueAsString(value)).isEqualTo(plain.writeValueAsString(value));
        }
        assertThat(tuned.writeValueAsString(new Totals("1", null))).isEqualTo("{\"spend\":\"1\",\"ctr\":null}");
        assertThat(tuned.readValue(plain.writeValueAsString(point), Point.class)).isEqualTo(point);
    }

    /** The classes that write the type's properties. */
    private static List<String> writers(ObjectMapper mapper, Class<?> type) throws Exception {
        BeanSerializerBase serializer = (BeanSerializerBase) mapper.getSerializerProviderInstance().findValueSerializer(type);
        List<String> names = new ArrayList<>();
        serializer.properties().forEachRemaining(p -> names.add(p.getClass().getName()));
        return names;
    }
}
