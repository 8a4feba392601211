package io.clp.campaign;

import io.clp.testing.TestDatabase;
import io.clp.testing.TestOrganizations;

import java.util.UUID;

/**
 * Campaign hierarchy rows written with plain SQL, as the sync writes them (the API only reads them).
 * Amounts and dates are given as text and cast by PostgreSQL; null leaves the column empty.
 */
public final class HierarchyFixtures {

    private HierarchyFixtures() {
    }

    /** An account of the given DSP type; the organization is made known to the read model first. */
    public static UUID account(UUID orgId, String dspType) {
        TestOrganizations.known("campaign", orgId);
        UUID id = UUID.randomUUID();
        TestDatabase.execute("INSERT INTO campaign.dsp_accounts (id, org_id, dsp_type, external_account_id, display_name) "
                + "VALUES (?, ?, CAST(? AS campaign.dsp_type), ?, ?)", id, orgId, dspType, "acc-" + id, dspType + " account");
        return id;
    }

    /** A campaign of the account (its DSP type taken from the account). */
    public static UUID campaign(UUID orgId, UUID accountId, String name, String status, String advertiserId, String budget,
                                String startDate, String endDate, boolean removed) {
        UUID id = UUID.randomUUID();
        TestDatabase.execute("INSERT INTO campaign.campaigns (id, org_id, dsp_account_id, dsp_type, external_id, name, status, "
                        + "native_status, advertiser_id, budget, currency, start_date, end_date, pacing, labels, removed_at, "
                        + "sync_version, last_synced_at) SELECT ?, ?, a.id, a.dsp_type, ?, ?, ?, upper(?), ?, CAST(? AS numeric), "
                        + "'EUR', CAST(? AS date), CAST(? AS date), '{\"mode\": \"even\"}', '[\"brand\"]', "
                        + "CASE WHEN ? THEN now() END, 3, now() FROM campaign.dsp_accounts a WHERE a.id = ?",
                id, orgId, "c-" + id, name, status, status, advertiserId, budget, startDate, endDate, removed, accountId);
        return id;
    }

    public static UUID campaign(UUID orgId, UUID accountId, String name) {
        return campaign(orgId, accountId, name, "active", "adv-1", "100.50", "2026-01-01", "2026-12-31", false);
    }

    public static UUID insertionOrder(UUID campaignId, String name, boolean removed) {
        UUID id = UUID.randomUUID();
        TestDatabase.execute("INSERT INTO campaign.insertion_orders (id, org_id, dsp_account_id, dsp_type, external_id, "
                        + "campaign_id, campaign_external_id, name, status, budget, currency, start_date, end_date, removed_at) "
                        + "SELECT ?, c.org_id, c.dsp_account_id, c.dsp_type, ?, c.id, c.external_id, ?, "
                        + "CASE WHEN ? THEN 'removed' ELSE 'active' END, 2500, 'EUR', c.start_date, c.end_date, "
                        + "CASE WHEN ? THEN now() END FROM campaign.campaigns c WHERE c.id = ?",
                id, "io-" + id, name, removed, removed, campaignId);
        return id;
    }

    public static UUID lineItem(UUID insertionOrderId, String name, boolean removed) {
        UUID id = UUID.randomUUID();
        TestDatabase.execute("INSERT INTO campaign.line_items (id, org_id, dsp_account_id, dsp_type, external_id, "
                        + "insertion_order_id, insertion_order_external_id, campaign_id, name, status, budget, currency, "
                        + "removed_at) SELECT ?, i.org_id, i.dsp_account_id, i.dsp_type, ?, i.id, i.external_id, i.campaign_id, ?, "
                        + "CASE WHEN ? THEN 'removed' ELSE 'paused' END, 0.123456, 'EUR', CASE WHEN ? THEN now() END "
                        + "FROM campaign.insertion_orders i WHERE i.id = ?",
                id, "li-" + id, name, removed, removed, insertionOrderId);
        return id;
    }

    public static UUID creative(UUID lineItemId, String name, boolean removed) {
        UUID id = UUID.randomUUID();
        TestDatabase.execute("INSERT INTO campaign.creatives (id, org_id, dsp_account_id, dsp_type, external_id, "
                        + "line_item_id, line_item_external_id, campaign_id, name, status, removed_at) "
                        + "SELECT ?, l.org_id, l.dsp_account_id, l.dsp_type, ?, l.id, l.external_id, l.campaign_id, ?, "
                        + "CASE WHEN ? THEN 'removed' ELSE 'active' END, CASE WHEN ? THEN now() END "
                        + "FROM campaign.line_items l WHERE l.id = ?",
                id, "cr-" + id, name, removed, removed, lineItemId);
        return id;
    }

    /** One campaign > insertion order > line item > creative chain of a fresh DV360 account. */
    public record Chain(UUID orgId, UUID accountId, UUID campaignId, UUID insertionOrderId, UUID lineItemId, UUID creativeId) {
    }

    public static Chain chain(UUID orgId) {
        UUID account = account(orgId, "dv360");
        UUID campaign = campaign(orgId, account, "Chain campaign");
        UUID order = insertionOrder(campaign, "Chain IO", false);
        UUID item = lineItem(order, "Chain LI", false);
        return new Chain(orgId, account, campaign, order, item, creative(item, "Chain creative", false));
    }
}
