package io.clp.tenancy.organization;

import java.util.Locale;
import java.util.Optional;

/**
 * The states an organization goes through, as identity-service stores them and its events carry them
 * (lower-case labels). The rules every service applies to an organization's data follow from it:
 * a trial or active organization's data can be read and changed (a new organization starts on
 * trial), a suspended one's read only, a deleted one's is gone (404).
 */
public enum OrganizationStatus {
    TRIAL, ACTIVE, SUSPENDED, DELETED;

    /** The label in the database and in events. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the organization's data can be read at all. */
    public boolean readable() {
        return this != DELETED;
    }

    /** Whether the organization's data can be changed. */
    public boolean writable() {
        return this == TRIAL || this == ACTIVE;
    }

    /** The status a label names; empty for null or a label this release does not know. */
    public static Optional<OrganizationStatus> parse(String label) {
        if (label == null) {
            return Optional.empty();
        }
        for (OrganizationStatus status : values()) {
            if (status.id().equals(label)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
