package io.clp.pipeline.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.clp.platform.problem.FieldError;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A template's inputs as a JSON Schema (draft 2020-12) object. {@link #check} decides whether a schema a user sent may be
 * stored: it must itself be a valid draft 2020-12 schema (checked against the meta-schema), of {@code "type": "object"},
 * at most {@link #MAX_BYTES} long, and self-contained: a {@code $ref} may only point inside the schema, so validating
 * inputs never fetches anything. {@link #validate} checks a pipeline's parameters against a stored schema.
 */
public final class InputSchema {

    public static final int MAX_BYTES = 16 * 1024;
    /** The most a template's or pipeline's {@code params}, {@code defaultParams} or {@code config} may take, as JSON. */
    public static final int MAX_VALUE_BYTES = 64 * 1024;
    static final String DRAFT = "https://json-schema.org/draft/2020-12/schema";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final JsonSchema META = FACTORY.getSchema(SchemaLocation.of(DRAFT), config());
    private static final Set<String> REFERENCES = Set.of("$ref", "$dynamicRef", "$recursiveRef");

    private InputSchema() {
    }

    /** What is wrong with {@code schema} as a template's input schema, each error naming {@code field} or a path below it. */
    public static List<FieldError> check(String field, Map<String, Object> schema) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode node = JSON.valueToTree(schema);
        int size;
        try {
            size = JSON.writeValueAsBytes(node).length;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (size > MAX_BYTES) {
            return List.of(new FieldError(field, "must be at most " + MAX_BYTES + " bytes of JSON"));
        }
        JsonNode declared = node.get("$schema");
        if (declared != null && !(declared.isTextual() && (DRAFT.equals(declared.asText()) || (DRAFT + "#").equals(declared.asText())))) {
            errors.add(new FieldError(field + ".$schema", "must be " + DRAFT + " (or absent)"));
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual() || !"object".equals(type.asText())) {
            errors.add(new FieldError(field + ".type", "must be \"object\": a template's inputs are named parameters"));
        }
        localReferencesOnly(field, node, errors);
        supportedPatterns(field, node, errors);
        for (ValidationMessage m : META.validate(node)) {
            errors.add(new FieldError(field + path(m.getInstanceLocation().toString()), m.getMessage()));
        }
        if (errors.isEmpty()) {
            try {
                FACTORY.getSchema(node, config()).initializeValidators();
            } catch (RuntimeException e) {
                errors.add(new FieldError(field, "is not a usable JSON Schema: " + e.getMessage()));
            }
        }
        return errors;
    }

    /** A field error when {@code value} takes more than {@link #MAX_VALUE_BYTES} as JSON, or null. */
    public static FieldError tooLarge(String field, Map<String, Object> value) {
        if (value == null) {
            return null;
        }
        try {
            int size = JSON.writeValueAsBytes(value).length;
            return size > MAX_VALUE_BYTES ? new FieldError(field, "must be at most " + MAX_VALUE_BYTES + " bytes of JSON") : null;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What is wrong with {@code params} under {@code schema}, each error naming the parameter's path below {@code field}. */
    public static List<FieldError> validate(String field, Map<String, Object> schema, Map<String, Object> params) {
        JsonSchema compiled = FACTORY.getSchema(JSON.valueToTree(schema), config());
        List<FieldError> errors = new ArrayList<>();
        for (ValidationMessage m : compiled.validate(JSON.valueToTree(params))) {
            String at = path(m.getInstanceLocation().toString());
            if ("required".equals(m.getType()) && m.getProperty() != null) {
                at = at + "." + m.getProperty();
            }
            errors.add(new FieldError(field + at, m.getMessage()));
        }
        return errors;
    }

    /** The names of the schema's properties that it requires. */
    public static List<String> requiredInputs(Map<String, Object> schema) {
        return List.copyOf(required(schema));
    }

    /** The names of the schema's properties that it does not require. */
    public static List<String> optionalInputs(Map<String, Object> schema) {
        Set<String> optional = new TreeSet<>(properties(schema));
        optional.removeAll(required(schema));
        return List.copyOf(optional);
    }

    /** The schema reduced to its properties (without required): what default parameters must satisfy. */
    public static Map<String, Object> withoutRequired(Map<String, Object> schema) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(schema);
        copy.remove("required");
        return copy;
    }

    private static Set<String> properties(Map<String, Object> schema) {
        return schema.get("properties") instanceof Map<?, ?> p ? new TreeSet<>(p.keySet().stream().map(String::valueOf).toList()) : Set.of();
    }

    private static Set<String> required(Map<String, Object> schema) {
        Set<String> required = new TreeSet<>();
        if (schema.get("required") instanceof List<?> names) {
            names.forEach(n -> required.add(String.valueOf(n)));
        }
        return required;
    }

    /** Every {@code pattern} and {@code patternProperties} name must be a regular expression RE2J can run (in linear time). */
    private static void supportedPatterns(String at, JsonNode node, List<FieldError> errors) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                String here = at + "." + f.getKey();
                if ("pattern".equals(f.getKey()) && f.getValue().isTextual()) {
                    String problem = Re2jRegularExpressions.problem(f.getValue().asText());
                    if (problem != null) {
                        errors.add(new FieldError(here, problem));
                    }
                } else if ("patternProperties".equals(f.getKey()) && f.getValue().isObject()) {
                    Iterator<Map.Entry<String, JsonNode>> patterns = f.getValue().fields();
                    while (patterns.hasNext()) {
                        Map.Entry<String, JsonNode> p = patterns.next();
                        String problem = Re2jRegularExpressions.problem(p.getKey());
                        if (problem != null) {
                            errors.add(new FieldError(here + "." + p.getKey(), problem));
                        }
                        supportedPatterns(here + "." + p.getKey(), p.getValue(), errors);
                    }
                } else {
                    supportedPatterns(here, f.getValue(), errors);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                supportedPatterns(at + "[" + i + "]", node.get(i), errors);
            }
        }
    }

    private static void localReferencesOnly(String at, JsonNode node, List<FieldError> errors) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (REFERENCES.contains(f.getKey()) && !(f.getValue().isTextual() && f.getValue().asText().startsWith("#"))) {
                    errors.add(new FieldError(at + "." + f.getKey(), "may only refer inside the schema (start with #)"));
                } else if ("$id".equals(f.getKey())) {
                    errors.add(new FieldError(at + ".$id", "is not allowed: a template's schema is self-contained"));
                } else {
                    localReferencesOnly(at + "." + f.getKey(), f.getValue(), errors);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                localReferencesOnly(at + "[" + i + "]", node.get(i), errors);
            }
        }
    }

    private static SchemaValidatorsConfig config() {
        return SchemaValidatorsConfig.builder().pathType(com.networknt.schema.PathType.JSON_PATH)
                .regularExpressionFactory(Re2jRegularExpressions.INSTANCE).build();
    }

    /** {@code $.a.b[0]} as {@code .a.b[0]}; the root as the empty string. */
    private static String path(String instanceLocation) {
        return instanceLocation.startsWith("$") ? instanceLocation.substring(1) : "." + instanceLocation;
    }
}
