package io.clp.tenancy.security;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/**
 * The five organization roles. A user holds one role per organization. Its label ({@link #id}) is how
 * the database (identity's {@code user_role}), tokens, events and the API spell it; so a role reads
 * and writes as its label in JSON and prints as it.
 * <p>
 * {@link #CLIENT} is for a client's own people: it reads campaigns, metrics and the client itself, and only those
 * of the clients the member holds a {@code view} grant on (entity type {@code client}); without such a grant it
 * sees none. {@link io.clp.tenancy.work.OrganizationWork} limits its transactions to those clients, and the tables
 * that hold a client's data let row-level security enforce it (docs/clients.md, "Client access").
 */
public enum Role {
    ADMIN, DEVELOPER, ANALYST, VIEWER, CLIENT;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (Role role : values()) {
            if (role.id().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return id();
    }
}
