package io.clp.identity.model;

/**
 * The plans an organization can be on; each sets the default of every quota (see Quota). A plan is
 * a billing decision: new organizations start on {@link #DEFAULT} and only operators change it
 * (docs/adr/0005-plan-ownership.md).
 */
public enum Plan {
    free, team, enterprise;

    public static final Plan DEFAULT = free;
}
