package io.clp.identity.organization;

import io.clp.identity.model.Organization;

import io.clp.events.identity.OrganizationSnapshot;
import io.clp.identity.quota.Quotas;
import io.clp.platform.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes an organization's full current state ({@link OrganizationSnapshot}: status, plan,
 * effective quotas, version, deletion) to the compacted {@code clp.state.organization} topic through
 * the outbox, in the transaction that changed it. Every change of an organization holds its row lock
 * (or inserts the row) until it commits, so the states reach the topic in the order of their versions
 * and compaction keeps the newest.
 */
@ApplicationScoped
public class OrganizationStates {

    private final Outbox outbox;
    private final Quotas quotas;

    public OrganizationStates(Outbox outbox, Quotas quotas) {
        this.outbox = outbox;
        this.quotas = quotas;
    }

    /** Must run in the changing transaction, after the change is flushed (its version is known). */
    public Uni<Void> publish(Organization org) {
        return quotas.all(org, Map.of()).chain(limits -> {
            Map<String, Integer> byId = new LinkedHashMap<>();
            limits.forEach((quota, limit) -> byId.put(quota.id(), limit.limit()));
            return outbox.publish(new OrganizationSnapshot(org.id, org.slug, org.status.id(), org.plan.name(), byId,
                    org.deletedAt != null, org.deletedAt, Instant.now().truncatedTo(ChronoUnit.MICROS), org.version));
        }).replaceWithVoid();
    }
}
