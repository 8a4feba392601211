package io.clp.campaign;

import io.clp.events.identity.OrganizationCreated;
import io.clp.events.identity.OrganizationDeleted;
import io.clp.events.identity.OrganizationQuotasChanged;
import io.clp.events.identity.OrganizationUpdated;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestEvents;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The organization read model follows identity-service's own order of changes (the organization's
 * version in each event), not the clocks of the instances that published them: an event with an
 * older version is ignored even when its timestamp is later.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class OrganizationEventOrderTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    private static void awaitApplied(UUID eventId) {
        await().atMost(WITHIN).until(() ->
                TestDatabase.count("SELECT count(*) FROM campaign.processed_event WHERE event_id = ?", eventId) == 1);
    }

    private static String column(String column, UUID orgId) {
        return TestDatabase.text("SELECT " + column + "::text FROM campaign.organization_refs WHERE org_id = ?", orgId);
    }

    @Test
    void aStaleStatusEventWithALaterClockDoesNotUndoANewerOne() {
        UUID orgId = UUID.randomUUID();
        String slug = "order-" + orgId.toString().substring(0, 8);
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        TestEvents.publish(new OrganizationCreated(orgId, "Order", slug, "active", "free", null, null, UUID.randomUUID(), t, 0L));
        UUID suspension = TestEvents.publish(new OrganizationUpdated(orgId, "Order", slug, "suspended", "free", null, null,
                List.of("status"), t.plusSeconds(1), 2L));
        awaitApplied(suspension);
        assertThat(column("status", orgId)).isEqualTo("suspended");

        // version 1 was published by an instance whose clock runs ahead: it arrives last, stamped latest
        UUID stale = TestEvents.publish(new OrganizationUpdated(orgId, "Order", slug, "active", "free", null, null,
                List.of("industry"), t.plusSeconds(60), 1L));
        awaitApplied(stale);

        assertThat(column("status", orgId)).isEqualTo("suspended");
        assertThat(column("status_version", orgId)).isEqualTo("2");
    }

    @Test
    void aStaleQuotasEventDoesNotReplaceNewerLimits() {
        UUID orgId = UUID.randomUUID();
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID newer = TestEvents.publish(new OrganizationQuotasChanged(orgId, "quotas", "team",
                Map.of("dsp_accounts", 10), t, 3L));
        awaitApplied(newer);
        UUID stale = TestEvents.publish(new OrganizationQuotasChanged(orgId, "quotas", "free",
                Map.of("dsp_accounts", 2), t.plusSeconds(60), 2L));
        awaitApplied(stale);

        assertThat(column("quotas->>'dsp_accounts'", orgId)).isEqualTo("10");
        assertThat(column("quotas_version", orgId)).isEqualTo("3");
    }

    @Test
    void nothingAfterTheDeletionRevivesTheOrganizationWhateverItsVersion() {
        UUID orgId = UUID.randomUUID();
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        TestEvents.publish(new OrganizationDeleted(orgId, "gone-" + orgId.toString().substring(0, 8), UUID.randomUUID(), t, 4L));
        UUID late = TestEvents.publish(new OrganizationUpdated(orgId, "Gone", "gone-" + orgId.toString().substring(0, 8),
                "active", "free", null, null, List.of("status"), t.plusSeconds(5), 5L));
        awaitApplied(late);

        assertThat(column("status", orgId)).isEqualTo("deleted");
        assertThat(column("deleted_at", orgId)).isNotNull();
    }
}
