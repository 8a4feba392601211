package io.clp.events;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event records of this module and docs/asyncapi.yaml describe the same contract: every record
 * is documented as the message named by its CloudEvents type, on its topic's channel, with the same
 * properties (as Jackson writes them) of the same JSON types; every documented CLP event has a record.
 */
class AsyncApiContractTest {

    private static final Path ASYNCAPI = Path.of("..", "docs", "asyncapi.yaml");

    /** As the services' mapper writes events (ISO-8601 instants). */
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private static JsonNode document;
    private static Map<String, Class<?>> records;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        document = new YAMLMapper().readTree(ASYNCAPI.toFile());
        records = eventRecords();
        assertThat(records).as("event records found in %s", classes()).isNotEmpty();
    }

    @Test
    void everyEventRecordIsDocumentedWithItsPropertiesAndTheirTypes() {
        List<String> mismatches = new ArrayList<>();
        records.forEach((type, record) -> {
            JsonNode message = message(type);
            if (message == null) {
                mismatches.add(type + " (" + record.getSimpleName() + ") is not documented");
                return;
            }
            JsonNode documented = message.path("payload").path("properties");
            Map<String, JavaType> written = properties(record);
            Set<String> names = new TreeSet<>(written.keySet());
            Set<String> documentedNames = new TreeSet<>();
            documented.fieldNames().forEachRemaining(documentedNames::add);
            if (!names.equals(documentedNames)) {
                mismatches.add(type + ": the record writes " + names + ", the document says " + documentedNames);
            }
            written.forEach((name, javaType) -> {
                JsonNode schema = documented.path(name);
                if (!schema.isMissingNode()) {
                    typeMismatch(javaType, schema).ifPresent(m -> mismatches.add(type + "." + name + ": " + m));
                }
            });
            for (JsonNode required : message.path("payload").path("required")) {
                if (!written.containsKey(required.asText())) {
                    mismatches.add(type + ": requires " + required.asText() + ", which the record does not have");
                }
            }
        });
        assertThat(mismatches).isEmpty();
    }

    @Test
    void everyDocumentedEventHasARecord() {
        List<String> documented = StreamSupport.stream(document.path("components").path("messages").spliterator(), false)
                .map(m -> m.path("name").asText())
                .filter(name -> name.startsWith("io.clp."))
                .toList();

        assertThat(documented).isNotEmpty();
        assertThat(records.keySet()).containsAll(documented);
    }

    @Test
    void everyEventIsDocumentedOnTheChannelOfItsTopic() throws Exception {
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, Class<?>> entry : records.entrySet()) {
            String topic = sample(entry.getValue()).topic();
            JsonNode channel = StreamSupport.stream(document.path("channels").spliterator(), false)
                    .filter(c -> topic.equals(c.path("address").asText())).findFirst().orElse(null);
            if (channel == null) {
                mismatches.add(entry.getKey() + ": no channel for " + topic);
                continue;
            }
            boolean listed = StreamSupport.stream(channel.path("messages").spliterator(), false)
                    .map(ref -> ref.path("$ref").asText())
                    .map(ref -> document.at(ref.substring(1)))
                    .anyMatch(m -> entry.getKey().equals(m.path("name").asText()));
            if (!listed) {
                mismatches.add(entry.getKey() + ": not listed on channel " + topic);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void theActorHeaderIsDocumentedInTheFormatConsumersAccept() {
        JsonNode actor = document.at("/components/schemas/cloudEventHeaders/properties/" + CloudEventHeaders.ACTOR);

        assertThat(actor.path("pattern").asText()).isEqualTo("^(?:" + CloudEventHeaders.ACTOR_FORMAT + ")$");
        assertThat("apikey:k3x9q2ab").matches(CloudEventHeaders.ACTOR_FORMAT);
        assertThat("api_key:" + UUID.randomUUID()).doesNotMatch(CloudEventHeaders.ACTOR_FORMAT);
        assertThat("user:" + UUID.randomUUID()).matches(CloudEventHeaders.ACTOR_FORMAT);
        assertThat("system:identity").matches(CloudEventHeaders.ACTOR_FORMAT);
    }

    @Test
    void everyEventChannelHasItsPublisherDocumented() {
        Set<String> published = new TreeSet<>();
        document.path("operations").forEach(op -> {
            if ("send".equals(op.path("action").asText())) {
                published.add(op.path("channel").path("$ref").asText());
            }
        });
        document.path("channels").fields().forEachRemaining(channel -> {
            if (channel.getValue().path("address").asText().startsWith(Topics.EVENTS_PREFIX)
                    && channel.getValue().has("messages")) {
                assertThat(published).as("a send operation on %s", channel.getKey()).contains("#/channels/" + channel.getKey());
            }
        });
    }

    /** The JSON type a Java type is written as, compared with the property's schema; empty when they agree. */
    private static java.util.Optional<String> typeMismatch(JavaType javaType, JsonNode schema) {
        Class<?> raw = javaType.getRawClass();
        String expected;
        String format = null;
        if (raw == String.class) {
            expected = "string";
        } else if (raw == UUID.class) {
            expected = "string";
            format = "uuid";
        } else if (raw == Instant.class || raw == OffsetDateTime.class) {
            expected = "string";
            format = "date-time";
        } else if (raw == LocalDate.class) {
            expected = "string";
            format = "date";
        } else if (raw == BigDecimal.class || raw == double.class || raw == Double.class) {
            expected = "number";
        } else if (raw == long.class || raw == Long.class || raw == int.class || raw == Integer.class) {
            expected = "integer";
        } else if (raw == boolean.class || raw == Boolean.class) {
            expected = "boolean";
        } else if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            expected = "array";
        } else if (Map.class.isAssignableFrom(raw) || raw.isRecord()) {
            expected = "object";
        } else {
            return java.util.Optional.of("no JSON type known for " + javaType);
        }
        Set<String> types = types(schema);
        if (!types.contains(expected)) {
            return java.util.Optional.of("written as " + expected + " (" + javaType + "), documented as " + types);
        }
        if (format != null && !format.equals(schema.path("format").asText())) {
            return java.util.Optional.of("written in format " + format + ", documented as " + schema.path("format").asText("no format"));
        }
        if (expected.equals("array")) {
            JavaType item = javaType.getContentType();
            JsonNode items = schema.path("items");
            if (items.isMissingNode()) {
                return java.util.Optional.of("an array whose items are not documented");
            }
            return item == null ? java.util.Optional.empty() : typeMismatch(item, items).map(m -> "items " + m);
        }
        if (raw.isRecord()) {
            // a nested value is held to its documented properties as the payload is
            Map<String, JavaType> written = properties(raw);
            Set<String> documented = new TreeSet<>();
            schema.path("properties").fieldNames().forEachRemaining(documented::add);
            if (!written.keySet().equals(documented)) {
                return java.util.Optional.of("the record writes " + written.keySet() + ", the document says " + documented);
            }
            for (Map.Entry<String, JavaType> property : written.entrySet()) {
                java.util.Optional<String> mismatch = typeMismatch(property.getValue(), schema.path("properties").path(property.getKey()));
                if (mismatch.isPresent()) {
                    return mismatch.map(m -> property.getKey() + ": " + m);
                }
            }
        }
        return java.util.Optional.empty();
    }

    private static Set<String> types(JsonNode schema) {
        JsonNode type = schema.path("type");
        Set<String> types = new TreeSet<>();
        if (type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        } else {
            types.add(type.asText());
        }
        return types;
    }

    /** The properties Jackson writes for the record, by name. */
    private static Map<String, JavaType> properties(Class<?> record) {
        return JSON.getSerializationConfig().introspect(JSON.constructType(record)).findProperties().stream()
                .collect(Collectors.toMap(BeanPropertyDefinition::getName, BeanPropertyDefinition::getPrimaryType,
                        (a, b) -> a, TreeMap::new));
    }

    private static JsonNode message(String type) {
        return StreamSupport.stream(document.path("components").path("messages").spliterator(), false)
                .filter(m -> type.equals(m.path("name").asText())).findFirst().orElse(null);
    }

    /** An instance with empty components: enough to ask a record for its aggregate type. */
    private static DomainEvent sample(Class<?> record) throws Exception {
        RecordComponent[] components = record.getRecordComponents();
        Class<?>[] types = Stream.of(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Object[] values = Stream.of(types).map(t -> t == boolean.class ? false : t.isPrimitive() ? 0 : null).toArray();
        Constructor<?> constructor = record.getDeclaredConstructor(types);
        return (DomainEvent) constructor.newInstance(values);
    }

    /** Every concrete record of this module's event contract, by its CloudEvents type ({@code TYPE}). */
    private static Map<String, Class<?>> eventRecords() throws IOException, URISyntaxException {
        Path root = classes();
        Map<String, Class<?>> found = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".")
                        .replaceAll("\\.class$", "");
                Class<?> type;
                try {
                    type = Class.forName(name, false, AsyncApiContractTest.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
                if (type.isRecord() && DomainEvent.class.isAssignableFrom(type) && !Modifier.isAbstract(type.getModifiers())) {
                    try {
                        found.put((String) type.getField("TYPE").get(null), type);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(type + " has no public TYPE naming its CloudEvents type", e);
                    }
                }
            }
        }
        return found;
    }

    private static Path classes() {
        try {
            return Path.of(DomainEvent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
