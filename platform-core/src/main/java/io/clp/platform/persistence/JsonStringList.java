package io.clp.platform.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import java.util.ArrayList;
import java.util.List;

/**
 * A jsonb column that holds a JSON array of strings (API key scopes, grant actions). The reactive
 * PostgreSQL driver hands Hibernate Reactive a top-level JSON array in a form its JSON type cannot
 * read, so such columns travel as text: map the field with this converter and
 * {@code @ColumnTransformer(read = "CAST(col AS text)", write = "CAST(CAST(? AS text) AS jsonb)")}
 * (the inner cast keeps the driver from sending the text as a JSON string).
 */
@Converter
public class JsonStringList implements AttributeConverter<List<String>, String> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> LIST = new TypeReference<>() {
    };

    @Override
    public String convertToDatabaseColumn(List<String> values) {
        try {
            return JSON.writeValueAsString(values == null ? List.of() : values);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public List<String> convertToEntityAttribute(String json) {
        try {
            return json == null ? new ArrayList<>() : new ArrayList<>(JSON.readValue(json, LIST));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON array of strings was expected: " + json, e);
        }
    }
}
