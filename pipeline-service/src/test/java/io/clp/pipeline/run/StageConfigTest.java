package io.clp.pipeline.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What an execution's stages read: the template's config, overlaid by the pipeline's params or own config, and the snapshot. */
class StageConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void aTemplatePipelineReadsItsTemplatesConfigOverlaidByItsParams() throws Exception {
        JsonNode snapshot = json("""
                {"pipeline": {"template": {"id": "t", "version": 1}, "params": {"source": {"kind": "s3", "prefix": "daily"},
                 "unknownEntities": "create", "filenamePattern": "media_*.csv"}},
                 "retry": {"maxAttempts": 3}, "lookbackDays": 2, "dspAccountId": "a", "backfillConcurrency": 4}""");
        JsonNode template = json("""
                {"format": "csv", "hierarchy": ["campaign_name"], "unknownEntities": "reject", "filenamePattern": "*.csv"}""");

        JsonNode config = StageConfig.effective(snapshot, template);

        assertThat(config.path("format").asText()).isEqualTo("csv");
        assertThat(config.path("hierarchy").get(0).asText()).isEqualTo("campaign_name");
        assertThat(config.path("source").path("kind").asText()).isEqualTo("s3");
        assertThat(config.path("unknownEntities").asText()).as("params win over the template").isEqualTo("create");
        assertThat(config.path("filenamePattern").asText()).isEqualTo("media_*.csv");
        assertThat(config.path("retry").path("maxAttempts").asInt()).isEqualTo(3);
        assertThat(config.path("backfillConcurrency").asInt()).isEqualTo(4);
        assertThat(config.has("pipeline")).isFalse();
        assertThat(config.has("template")).as("the template's identity is the snapshot's, not a stage setting").isFalse();
    }

    @Test
    void aBarePipelineReadsItsOwnConfig() throws Exception {
        JsonNode config = StageConfig.effective(json("""
                {"pipeline": {"source": {"kind": "directory", "path": "drops"}, "hierarchy": ["campaign_name"]}, "lookbackDays": 0}"""),
                null);

        assertThat(config.path("source").path("path").asText()).isEqualTo("drops");
        assertThat(config.path("hierarchy").isArray()).isTrue();
        assertThat(config.path("lookbackDays").asInt()).isZero();
    }
}
