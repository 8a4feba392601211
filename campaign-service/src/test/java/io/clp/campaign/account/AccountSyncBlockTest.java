package io.clp.campaign.account;

import io.clp.campaign.SimulatedDsps;
import io.clp.campaign.CampaignFixtures;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The account row's sync columns can be written (its credentials moved to their own table), and new credentials lift a block. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class AccountSyncBlockTest {

    @Test
    void anAccountsSyncStatusCanBeWrittenAndNewCredentialsLiftAPermanentBlock() {
        UUID account = CampaignFixtures.dspAccount(UUID.randomUUID(), "Blocked");
        TestDatabase.execute("UPDATE campaign.dsp_accounts SET last_sync_status = 'failed', sync_blocked = true, "
                + "next_sync_at = now() + interval '1 day' WHERE id = ?", account);
        assertThat(TestDatabase.text("SELECT sync_blocked::text FROM campaign.dsp_accounts WHERE id = ?", account)).isEqualTo("true");

        TestDatabase.execute("UPDATE campaign.dsp_account_credentials SET credentials_encrypted = decode('44556677', 'hex') "
                + "WHERE account_id = ?", account);

        assertThat(TestDatabase.text("SELECT sync_blocked || ' ' || (next_sync_at <= now()) FROM campaign.dsp_accounts WHERE id = ?",
                account)).isEqualTo("false true");
    }
}
