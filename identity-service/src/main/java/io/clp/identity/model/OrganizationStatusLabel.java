package io.clp.identity.model;

import io.clp.tenancy.organization.OrganizationStatus;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** An {@link OrganizationStatus} as {@code organizations.status} (and every event) spells it: its lower-case label. */
@Converter
public class OrganizationStatusLabel implements AttributeConverter<OrganizationStatus, String> {

    @Override
    public String convertToDatabaseColumn(OrganizationStatus status) {
        return status == null ? null : status.id();
    }

    @Override
    public OrganizationStatus convertToEntityAttribute(String label) {
        return label == null ? null : OrganizationStatus.parse(label)
                .orElseThrow(() -> new IllegalStateException("organization status '" + label + "' is not known"));
    }
}
