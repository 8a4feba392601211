package io.clp.identity.membership;

import io.clp.tenancy.security.Role;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /api/v1/organizations/{orgId}/invitations}. */
public record Invite(@NotBlank @Email @Size(max = 255) String email, @NotNull Role role) {
}
