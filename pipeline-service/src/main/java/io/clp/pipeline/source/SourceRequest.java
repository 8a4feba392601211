package io.clp.pipeline.source;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.LocalDate;
import java.util.UUID;

/**
 * What one execution asks of its source: the organization and pipeline it runs for, the DSP account (null for file
 * sources without one), the execution's config snapshot (template config merged with the pipeline's params) and the
 * window of days to read, both inclusive.
 */
public record SourceRequest(
        UUID organizationId,
        UUID pipelineId,
        UUID executionId,
        UUID dspAccountId,
        JsonNode config,
        LocalDate from,
        LocalDate to) {
}
