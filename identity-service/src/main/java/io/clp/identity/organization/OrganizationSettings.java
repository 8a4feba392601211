package io.clp.identity.organization;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.clp.platform.problem.FieldError;
import io.clp.platform.problem.Problems;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Validates organization settings against the documented JSON schema
 * ({@code schemas/organization-settings.schema.json}); an invalid document is a 400 naming each field.
 */
@ApplicationScoped
public class OrganizationSettings {

    private final JsonSchema schema;
    private final ObjectMapper json;

    OrganizationSettings(ObjectMapper json) {
        this.json = json;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("schemas/organization-settings.schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Map<String, Object> validate(Map<String, Object> settings) {
        JsonNode node = json.valueToTree(settings);
        List<FieldError> errors = new ArrayList<>();
        for (ValidationMessage m : schema.validate(node)) {
            String path = m.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
            String field = "settings" + (path.isEmpty() ? "" : "." + path);
            if (m.getProperty() != null && "additionalProperties".equals(m.getType())) {
                field = field + "." + m.getProperty();
            }
            errors.add(new FieldError(field, m.getMessage()));
        }
        if (node.hasNonNull("timezone") && node.get("timezone").isTextual()) {
            try {
                ZoneId.of(node.get("timezone").asText());
            } catch (DateTimeException e) {
                errors.add(new FieldError("settings.timezone", "is not an IANA time zone"));
            }
        }
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(FieldError::field));
            throw Problems.validation(errors);
        }
        return settings;
    }
}
