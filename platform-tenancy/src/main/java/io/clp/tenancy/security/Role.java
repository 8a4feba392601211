package io.clp.tenancy.security;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;
import java.util.Optional;

/**
 * The four organization roles. A user holds one role per organization. Its label ({@link #id}) is how
 * the database (identity's {@code user_role}), tokens, events and the API spell it; so a role reads
 * and writes as its label in JSON and prints as it.
 */
public enum Role {
    ADMIN, DEVELOPER, ANALYST, VIEWER;

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
