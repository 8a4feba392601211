package io.clp.pipeline.pipeline;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.Map;
import java.util.UUID;

/**
 * The body of {@code POST .../pipelines}: from a template ({@code templateId} and {@code params}, validated against the
 * template's input schema) or bare ({@code connectorType} and {@code config}), never both.
 */
public record CreatePipeline(
        @NotBlank @Size(max = 255) String name,
        @Size(max = 10_000) String description,
        UUID templateId,
        Map<String, Object> params,
        @Size(min = 1, max = 50) @Pattern(regexp = "[a-z0-9_-]+", message = "must be lowercase letters, digits, _ or -") String connectorType,
        Map<String, Object> config,
        UUID dspAccountId,
        String scheduleType,
        @Size(max = 100) String scheduleCron,
        Integer scheduleIntervalMinutes,
        String scheduleTimezone,
        @Min(0) @Max(90) Integer lookbackDays,
        @Valid Retry retry,
        @Pattern(regexp = "draft|active", message = "must be draft or active") String status) {
}
