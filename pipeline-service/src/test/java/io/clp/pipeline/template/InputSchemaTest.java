package io.clp.pipeline.template;

import io.clp.platform.problem.FieldError;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InputSchemaTest {

    private static final Map<String, Object> SCHEMA = Map.of("type", "object", "required", List.of("source"),
            "properties", Map.of("source", Map.of("type", "string"),
                    "advertiserIds", Map.of("type", "array", "items", Map.of("type", "string", "pattern", "^[0-9]+$"))));

    @Test
    void acceptsAnObjectSchemaOfDraft202012() {
        assertThat(InputSchema.check("inputSchema", SCHEMA)).isEmpty();
    }

    @Test
    void refusesASchemaTheMetaSchemaRefuses() {
        List<FieldError> errors = InputSchema.check("inputSchema", Map.of("type", "object", "properties", Map.of("a", Map.of("type", "strin"))));
        assertThat(errors).isNotEmpty();
        assertThat(errors).extracting(FieldError::field).allMatch(f -> f.startsWith("inputSchema"));
    }

    @Test
    void refusesASchemaThatIsNotOfTypeObject() {
        assertThat(InputSchema.check("inputSchema", Map.of("type", "array")))
                .extracting(FieldError::field).contains("inputSchema.type");
    }

    @Test
    void refusesReferencesOutsideTheSchemaAndOversizedSchemas() {
        assertThat(InputSchema.check("inputSchema", Map.of("type", "object", "properties",
                Map.of("a", Map.of("$ref", "https://example.com/s.json")))))
                .extracting(FieldError::field).contains("inputSchema.properties.a.$ref");
        assertThat(InputSchema.check("inputSchema", Map.of("type", "object", "description", "x".repeat(InputSchema.MAX_BYTES))))
                .extracting(FieldError::message).anyMatch(m -> m.contains("at most"));
    }

    @Test
    void namesTheParameterPathOfEachError() {
        List<FieldError> errors = InputSchema.validate("params", SCHEMA, Map.of("advertiserIds", List.of("12", "x1")));
        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("params.source", "params.advertiserIds[1]");
    }

    @Test
    void derivesRequiredAndOptionalInputs() {
        assertThat(InputSchema.requiredInputs(SCHEMA)).containsExactly("source");
        assertThat(InputSchema.optionalInputs(SCHEMA)).containsExactly("advertiserIds");
    }

    @Test
    void aCatastrophicBacktrackingPatternIsMatchedInLinearTime() {
        Map<String, Object> schema = Map.of("type", "object", "properties", Map.of("code", Map.of("type", "string", "pattern", "^(a|aa)+$")),
                "patternProperties", Map.of("^(x+x+)+y$", Map.of("type", "string")));
        assertThat(InputSchema.check("inputSchema", schema)).isEmpty();
        String evil = "a".repeat(40) + "b";
        assertThat(InputSchema.validate("params", schema, Map.of("code", evil))).extracting(FieldError::field).containsExactly("params.code");
        assertThat(InputSchema.validate("params", schema, Map.of("code", "a".repeat(40)))).isEmpty();
        assertThat(InputSchema.validate("params", schema, Map.of("x".repeat(40) + "z", 1))).isEmpty();
    }

    @Test
    void aPatternThatCannotRunInLinearTimeIsRefusedNamingItsPath() {
        assertThat(InputSchema.check("inputSchema", Map.of("type", "object", "properties",
                Map.of("code", Map.of("type", "string", "pattern", "^(a+)\\1$")))))
                .extracting(FieldError::field).containsExactly("inputSchema.properties.code.pattern");
        assertThat(InputSchema.check("inputSchema", Map.of("type", "object", "patternProperties",
                Map.of("^(?!x)", Map.of("type", "string")))))
                .extracting(FieldError::field).containsExactly("inputSchema.patternProperties.^(?!x)");
    }

    @Test
    void aPatternThatWouldCompileToAHugeProgramIsRefusedBeforeCompiling() {
        for (String huge : List.of("((a{1000}){1000}){1000}", "(a{1000}){1000}", "a{99999999}", "x".repeat(1_001))) {
            assertThat(InputSchema.check("inputSchema", Map.of("type", "object", "properties",
                    Map.of("code", Map.of("type", "string", "pattern", huge)))))
                    .as(huge.length() > 40 ? "a long pattern" : huge)
                    .extracting(FieldError::field).containsExactly("inputSchema.properties.code.pattern");
        }
        // ordinary counted repetitions, and braces that are escaped literals, are fine
        for (String fine : List.of("^\\d{4}-\\d{2}-\\d{2}$", "^[A-Z]{2}[0-9]{1,100}$", "^\\{[a-z]+\\}$")) {
            assertThat(InputSchema.check("inputSchema", Map.of("type", "object", "properties",
                    Map.of("code", Map.of("type", "string", "pattern", fine))))).as(fine).isEmpty();
        }
    }

    @Test
    void aValueOver64KiBIsTooLargeAndAtMost50ErrorsAreReturned() {
        assertThat(InputSchema.tooLarge("params", Map.of("a", "x".repeat(InputSchema.MAX_VALUE_BYTES)))).isNotNull();
        assertThat(InputSchema.tooLarge("params", Map.of("a", "x"))).isNull();
        List<FieldError> many = new java.util.ArrayList<>();
        for (int i = 0; i < 80; i++) {
            many.add(new FieldError("params.p" + i, "bad"));
        }
        assertThat(InputProblems.unprocessable(many).errors()).hasSize(InputProblems.MAX_ERRORS);
    }
}
