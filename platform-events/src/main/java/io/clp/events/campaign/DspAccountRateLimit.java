package io.clp.events.campaign;

/** How fast CLP may call the DSP for one account; a null field means the connector's default. */
public record DspAccountRateLimit(Double requestsPerSecond, Integer maxRetries, Integer maxWaitSeconds) {
}
