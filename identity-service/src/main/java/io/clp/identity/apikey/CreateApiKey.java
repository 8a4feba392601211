package io.clp.identity.apikey;

import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.time.Instant;
import java.util.List;

/**
 * The body of {@code POST /api/v1/organizations/{orgId}/api-keys}: a name, the scopes
 * ({@code resource:action}, each held by the creator) and an expiry at most two years ahead.
 */
public record CreateApiKey(
        @NotBlank @Size(max = 255) String name,
        @NotEmpty @Size(max = 64) List<@NotBlank String> scopes,
        @NotNull @Future Instant expiresAt) {
}
