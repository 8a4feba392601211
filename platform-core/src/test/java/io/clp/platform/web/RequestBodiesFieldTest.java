package io.clp.platform.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RequestBodiesFieldTest {

    private static List<String> fieldsOfStrings(String json) throws Exception {
        List<String> fields = new ArrayList<>();
        try (JsonParser parser = new JsonFactory().createParser(json)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.VALUE_STRING) {
                    fields.add(RequestBodies.field(parser.getParsingContext()));
                }
            }
        }
        return fields;
    }

    @Test
    void stringsAreNamedAsProblemDocumentsNameFields() throws Exception {
        assertThat(fieldsOfStrings("{\"name\": \"x\", \"settings\": {\"locale\": \"en\", \"tags\": [\"a\", {\"b\": \"c\"}]}}"))
                .containsExactly("name", "settings.locale", "settings.tags[0]", "settings.tags[1].b");
        assertThat(fieldsOfStrings("[\"a\", [\"b\"]]")).containsExactly("[0]", "[1][0]");
        assertThat(fieldsOfStrings("\"bare\"")).containsExactly("body");
    }
}
