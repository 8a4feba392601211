package io.clp.identity.model;

import io.clp.tenancy.security.Role;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/**
 * A {@link Role} as the database enum {@code user_role} spells it (its lower-case label): the one role
 * enum of the platform is the one identity stores, with no second enum to convert to and from.
 */
@Converter
public class RoleLabel implements AttributeConverter<Role, String> {

    @Override
    public String convertToDatabaseColumn(Role role) {
        return role == null ? null : role.id();
    }

    @Override
    public Role convertToEntityAttribute(String label) {
        return label == null ? null : Role.parse(label)
                .orElseThrow(() -> new IllegalStateException("user_role label '" + label + "' names no Role"));
    }
}
