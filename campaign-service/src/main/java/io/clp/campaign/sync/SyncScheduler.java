package io.clp.campaign.sync;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Every {@code clp.sync.poll-every}, leases the due accounts and syncs them ({@code off} turns scheduling off). */
@ApplicationScoped
class SyncScheduler {

    private final SyncEngine engine;

    SyncScheduler(SyncEngine engine) {
        this.engine = engine;
    }

    @Scheduled(identity = "campaign-sync", every = "${clp.sync.poll-every:10s}", delayed = "${clp.sync.poll-delay:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return engine.claimAndStart().replaceWithVoid();
    }
}
