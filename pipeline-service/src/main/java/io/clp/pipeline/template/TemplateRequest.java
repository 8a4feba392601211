package io.clp.pipeline.template;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.Map;

/**
 * The body of {@code POST .../templates} (a new lineage) and {@code PUT .../templates/{id}} (its next version): the whole
 * template. {@code inputSchema} is a JSON Schema (draft 2020-12) object; {@code defaultParams} must satisfy its properties.
 */
public record TemplateRequest(
        @NotBlank @Size(max = 255) String name,
        @Size(max = 10_000) String description,
        @Size(min = 1, max = 100) @Pattern(regexp = "[a-z0-9_-]+", message = "must be lowercase letters, digits, _ or -") String category,
        @NotBlank @Size(max = 50) @Pattern(regexp = "[a-z0-9_-]+", message = "must be lowercase letters, digits, _ or -") String templateType,
        String dspType,
        Map<String, Object> config,
        Map<String, Object> defaultParams,
        @NotNull Map<String, Object> inputSchema) {
}
