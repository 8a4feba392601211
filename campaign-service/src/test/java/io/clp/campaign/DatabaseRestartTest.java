package io.clp.campaign;

import io.clp.events.identity.OrganizationCreated;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestEvents;
import io.clp.testing.TestPostgres;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A PostgreSQL restart is a transient failure: the events that arrive while the database is down or
 * coming back are retried until it answers, none is dead-lettered, none is lost.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class DatabaseRestartTest {

    private static final String DEAD_LETTERS = "clp.events.organization.campaign-organizations.dlq";
    private static final int EVENTS = 40;

    private static UUID publishOrganization(List<UUID> orgs) {
        UUID orgId = UUID.randomUUID();
        orgs.add(orgId);
        return TestEvents.publish(new OrganizationCreated(orgId, "Restart", "restart-" + orgId.toString().substring(0, 8),
                "active", "free", null, null, UUID.randomUUID(), Instant.now(), 1L));
    }

    private static long applied(List<UUID> orgs) {
        return TestDatabase.count("SELECT count(*) FROM campaign.organization_refs WHERE org_id::text = ANY(?)",
                (Object) orgs.stream().map(UUID::toString).toArray(String[]::new));
    }

    @Test
    void postgresRestartedWhileEventsFlowLosesNone() throws Exception {
        List<UUID> orgs = new ArrayList<>();
        List<UUID> eventIds = new ArrayList<>();
        // the consumer is running and has applied events before the restart
        eventIds.add(publishOrganization(orgs));
        await().atMost(Duration.ofSeconds(60)).until(() -> applied(orgs) == 1);

        // down for 8 s: shorter than the in-handler bound, long enough that every event of the
        // outage fails at least once (connections cut, then refused)
        CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> TestPostgres.get().restart(Duration.ofSeconds(8)));
        for (int i = 1; i < EVENTS; i++) {
            eventIds.add(publishOrganization(orgs));
            Thread.sleep(250);
        }
        restart.get();

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> applied(orgs) == EVENTS);
        List<String> deadLettered = TestEvents.eventIdsOn(DEAD_LETTERS);
        assertThat(deadLettered).doesNotContainAnyElementsOf(eventIds.stream().map(UUID::toString).toList());
    }
}
