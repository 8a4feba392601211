package io.clp.pipeline.pipeline;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.util.LinkedHashMap;
import java.util.Map;

/** How a failed execution is retried: at most {@code maxAttempts} attempts, {@code backoffSeconds} apart (stored in retry_config). */
public record Retry(@Min(1) @Max(10) Integer maxAttempts, @Min(1) @Max(3600) Integer backoffSeconds) {

    public static final Retry DEFAULT = new Retry(3, 60);

    /** This retry with the default for each field not given. */
    Retry orDefaults() {
        return new Retry(maxAttempts != null ? maxAttempts : DEFAULT.maxAttempts, backoffSeconds != null ? backoffSeconds : DEFAULT.backoffSeconds);
    }

    Map<String, Object> toConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("maxAttempts", maxAttempts);
        config.put("backoffSeconds", backoffSeconds);
        return config;
    }

    static Retry of(Map<String, Object> config) {
        return new Retry(config.get("maxAttempts") instanceof Number n ? n.intValue() : null,
                config.get("backoffSeconds") instanceof Number n ? n.intValue() : null).orDefaults();
    }
}
