package io.clp.campaign;

import io.clp.testing.TestDatabase;
import io.clp.testing.TestOrganizations;

import java.util.UUID;

/** Data for campaign-service tests, written directly (accounts are connected through the API later). */
public final class CampaignFixtures {

    private CampaignFixtures() {
    }

    /**
     * A DV360 account of the organization, with (fake) encrypted credentials that must never be shown;
     * the organization is made known to the read model first (see {@link TestOrganizations}). Accounts a
     * test connects through the API are validated by the DSP simulator instead.
     */
    public static UUID dspAccount(UUID orgId, String name) {
        TestOrganizations.known("campaign", orgId);
        UUID id = UUID.randomUUID();
        TestDatabase.execute("INSERT INTO campaign.dsp_accounts (id, org_id, dsp_type, external_account_id, display_name) "
                + "VALUES (?, ?, 'dv360', ?, ?)", id, orgId, "adv-" + id.toString().substring(0, 8), name);
        TestDatabase.execute("INSERT INTO campaign.dsp_account_credentials (account_id, org_id, key_id, credentials_encrypted) "
                + "VALUES (?, ?, 'test-1', decode('00112233', 'hex'))", id, orgId);
        return id;
    }

    public static String displayName(UUID accountId) {
        return TestDatabase.text("SELECT display_name FROM campaign.dsp_accounts WHERE id = ?", accountId);
    }

    /** An active client of the organization, billed in EUR. */
    public static UUID client(UUID orgId, String name) {
        UUID id = UUID.randomUUID();
        TestDatabase.execute("INSERT INTO campaign.clients (id, org_id, name, currency) VALUES (?, ?, ?, 'EUR')", id, orgId, name);
        return id;
    }

    /** Links the whole account to the client, and its campaigns with it, as linking through the API does. */
    public static void linkAccount(UUID orgId, UUID clientId, UUID accountId) {
        TestDatabase.execute("INSERT INTO campaign.client_advertisers (org_id, client_id, dsp_account_id) VALUES (?, ?, ?)",
                orgId, clientId, accountId);
        TestDatabase.execute("UPDATE campaign.campaigns SET client_id = ? WHERE dsp_account_id = ?", clientId, accountId);
    }

    /** A live grant, as the grant read model keeps it once identity's event arrived. */
    public static void grant(UUID orgId, UUID userId, String entityType, UUID entityId, String action) {
        TestDatabase.execute("INSERT INTO campaign.entity_grant_refs (grant_id, org_id, user_id, entity_type, entity_id, actions, "
                + "granted_at, version) VALUES (?, ?, ?, ?, ?, ARRAY[?], now(), 1)", UUID.randomUUID(), orgId, userId, entityType,
                entityId, action);
    }
}
