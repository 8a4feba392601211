package io.clp.pipeline.quality;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * What the checks of one execution look at.
 *
 * @param silverTable     the execution's silver staging table, schema-qualified and safe to splice into SQL (the
 *                        executor makes the name; columns in docs/adr/0011-staging-tables.md)
 * @param headerReceived  the columns the source's header named, as received
 * @param headerExpected  the columns the pipeline's format expects
 * @param bronzeRows      rows landed in bronze
 * @param rejectedRows    rows silver refused (typing, validation, duplicates), kept in ingestion_rejects
 * @param sourceModifiedAt when the newest source object was written (null when unknown, as for DSP reports)
 * @param config          the execution's config snapshot; {@code config.quality} tunes or turns off checks
 */
public record QualityContext(
        UUID organizationId,
        UUID pipelineId,
        UUID executionId,
        String silverTable,
        List<String> headerReceived,
        List<String> headerExpected,
        long bronzeRows,
        long rejectedRows,
        LocalDate from,
        LocalDate to,
        Instant sourceModifiedAt,
        JsonNode config) {
}
