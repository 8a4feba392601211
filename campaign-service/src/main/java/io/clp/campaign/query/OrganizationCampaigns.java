package io.clp.campaign.query;

import io.clp.platform.tx.SessionSql;
import io.smallrye.mutiny.Uni;

import java.util.UUID;

/**
 * The campaign an {@code onEntity} read is about, looked up within the organization: its id, or null when the
 * organization holds no such campaign (which the read answers with a 404).
 */
public final class OrganizationCampaigns {

    private static final String CAMPAIGN = "SELECT id FROM campaigns WHERE id = $1 AND org_id = $2";

    private OrganizationCampaigns() {
    }

    public static Uni<UUID> find(UUID orgId, UUID campaignId) {
        return SessionSql.rows(CAMPAIGN, campaignId, orgId).map(rows -> rows.isEmpty() ? null : (UUID) rows.get(0)[0]);
    }
}
