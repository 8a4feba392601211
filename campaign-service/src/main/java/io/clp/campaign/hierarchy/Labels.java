package io.clp.campaign.hierarchy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Reads the labels column's JSON text (see {@link HierarchyEntity#labels}). */
final class Labels {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Labels() {
    }

    static JsonNode parse(String text) {
        if (text == null) {
            return JsonNodeFactory.instance.arrayNode();
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            // PostgreSQL produced the text from a jsonb value, so it is JSON
            throw new IllegalStateException("labels are not JSON", e);
        }
    }
}
