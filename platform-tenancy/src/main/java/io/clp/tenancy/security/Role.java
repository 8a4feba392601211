package io.clp.tenancy.security;

import java.util.Locale;
import java.util.Optional;

/** The four organization roles. A user holds one role per organization. */
public enum Role {
    ADMIN, DEVELOPER, ANALYST, VIEWER;

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
}
