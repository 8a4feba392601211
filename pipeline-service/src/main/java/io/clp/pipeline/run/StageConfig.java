package io.clp.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * The configuration an execution's stages read ({@link RunContext#config()}): its template's config (the format, the
 * report, the hierarchy), overlaid by the pipeline's params (a template pipeline) or by the pipeline's own config (a bare
 * one), then the execution's snapshot keys ({@code retry}, {@code lookbackDays}, {@code dspAccountId},
 * {@code backfillConcurrency}, ...). A template version is never edited (an edit makes a new version), so reading it
 * by the id the snapshot names gives what the pipeline was made from.
 */
final class StageConfig {

    private StageConfig() {
    }

    static JsonNode effective(JsonNode snapshot, JsonNode templateConfig) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (templateConfig != null && templateConfig.isObject()) {
            out.setAll((ObjectNode) templateConfig);
        }
        JsonNode pipeline = snapshot == null ? null : snapshot.path("pipeline");
        if (pipeline != null && pipeline.isObject()) {
            if (pipeline.has("template")) {
                JsonNode params = pipeline.path("params");
                if (params.isObject()) {
                    out.setAll((ObjectNode) params);
                }
            } else {
                out.setAll((ObjectNode) pipeline);
            }
        }
        if (snapshot != null && snapshot.isObject()) {
            for (Map.Entry<String, JsonNode> field : snapshot.properties()) {
                if (!field.getKey().equals("pipeline")) {
                    out.set(field.getKey(), field.getValue());
                }
            }
        }
        return out;
    }
}
