package io.clp.testing;

import java.util.UUID;

/**
 * Organizations as a service's read model knows them. Services fail closed (an organization missing
 * from {@code organization_refs} is not found, and nothing of it can be created), so a test that works
 * in an organization first makes it known, as identity's published state would.
 */
public final class TestOrganizations {

    private TestOrganizations() {
    }

    /**
     * Makes {@code orgId} known to the service's read model: active, on {@code plan}, with no limits of
     * its own (the plan's defaults apply), at version 0 (so any event of the organization that follows
     * applies over it). Idempotent; returns the id.
     */
    public static UUID known(String schema, UUID orgId, String plan) {
        TestDatabase.execute("INSERT INTO " + schema + ".organization_refs (org_id, slug, status, plan, status_changed_at, "
                + "status_version) VALUES (?, ?, 'active', ?, now(), 0) ON CONFLICT (org_id) DO NOTHING",
                orgId, "org-" + orgId.toString().substring(0, 8), plan);
        return orgId;
    }

    /** Known, active, on the enterprise plan, whose limits fixtures stay far below. */
    public static UUID known(String schema, UUID orgId) {
        return known(schema, orgId, "enterprise");
    }
}
