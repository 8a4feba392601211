package io.clp.identity.apikey;

/**
 * The answer to creating a key: {@code key} is the whole key ({@code clp_<prefix>_<secret>}), shown
 * this once and never again.
 */
public record CreatedApiKey(String key, ApiKeyView apiKey) {
}
