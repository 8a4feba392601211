package io.clp.identity.model;

/** The database enum {@code user_role}; constant names equal its labels. */
public enum MemberRole {
    admin, developer, viewer, analyst
}
