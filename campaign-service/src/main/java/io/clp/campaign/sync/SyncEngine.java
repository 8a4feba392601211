package io.clp.campaign.sync;

import io.clp.campaign.account.AccountConnections;
import io.clp.campaign.account.DspAccountConnections;
import io.clp.dsp.AccountRef;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspConnector;
import io.clp.dsp.DspEntity;
import io.clp.dsp.DspException;
import io.clp.dsp.EntityLevel;
import io.clp.dsp.HierarchyPage;
import io.clp.dsp.ListRequest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.Executors;

/**
 * Syncs leased accounts: for each, level by level (campaign, insertion order, line item, creative) and page by page
 * through the account's connector. Pages are gathered into batches of at least {@code clp.sync.write-batch} entities
 * (a level's last page ends its batch), each batch written in one transaction with the run's checkpoint (the token of
 * the page after it), so an interrupted run (a crash, a lost lease, a 429 storm) resumes after its last committed
 * batch. The next page is listed while a batch is written. Connector calls block, so each run and each listing has
 * its own virtual thread; the database work is reactive ({@link SyncStore}).
 */
@ApplicationScoped
public class SyncEngine {

    private static final Logger LOG = Logger.getLogger(SyncEngine.class);
    static final String DONE = "DONE";

    private final SyncStore store;
    private final Instance<AccountConnections> connections;
    private final SyncSettings settings;
    private final String owner;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("clp-sync-", 0).factory());
    /** Free run slots: reserved before a claim (the scheduler's tick and an on-demand start may claim at once). */
    private final Semaphore slots;

    @Inject
    SyncEngine(SyncStore store, Instance<AccountConnections> connections, SyncSettings settings) {
        this(store, connections, settings, settings.instanceId().orElse("campaign-" + UUID.randomUUID()));
    }

    SyncEngine(SyncStore store, Instance<AccountConnections> connections, SyncSettings settings, String owner) {
        this.store = store;
        this.connections = connections;
        this.settings = settings;
        this.owner = owner;
        this.slots = new Semaphore(settings.maxConcurrent());
    }

    String owner() {
        return owner;
    }

    /** Leases the due accounts this instance has room for and starts a run for each; the futures end with the runs. */
    public Uni<List<CompletableFuture<Void>>> claimAndStart() {
        return claimAndStart(null);
    }

    /** As {@link #claimAndStart()}, for one account only when {@code onlyAccount} is not null (a run asked for now). */
    Uni<List<CompletableFuture<Void>>> claimAndStart(UUID onlyAccount) {
        // reserve before claiming, so two claims at once cannot both see room; unused slots are given back
        int room = onlyAccount != null ? (slots.tryAcquire() ? 1 : 0) : slots.drainPermits();
        if (room <= 0) {
            return Uni.createFrom().item(List.of());
        }
        return store.claimDue(owner, settings.lease(), room, onlyAccount).onFailure().invoke(() -> slots.release(room))
                .map(ids -> {
                    slots.release(room - ids.size());
                    List<CompletableFuture<Void>> runs = new ArrayList<>();
                    for (UUID id : ids) {
                        runs.add(CompletableFuture.runAsync(() -> {
                            try {
                                run(id);
                            } finally {
                                slots.release();
                            }
                        }, threads));
                    }
                    return runs;
                });
    }

    /** Runs the leased account's sync to its end, on the calling (virtual) thread. */
    void run(UUID accountId) {
        SyncStore.Claim claim;
        try {
            claim = store.begin(accountId, owner, settings.fullEvery(), settings.overlap()).await().indefinitely();
        } catch (SyncStore.LeaseLost lost) {
            return;
        } catch (RuntimeException failure) {
            LOG.errorf(failure, "could not start the sync of account %s", accountId);
            try {
                store.postpone(accountId, owner, backoff(store.failures(accountId).await().indefinitely(), null))
                        .await().indefinitely();
            } catch (RuntimeException again) {
                // the lease expires on its own; the account is claimed again after it
                LOG.warnf("could not postpone the sync of account %s: %s", accountId, again.getMessage());
            }
            return;
        }
        Heartbeat heartbeat = new Heartbeat(claim);
        Thread beating = Thread.ofVirtual().name("clp-sync-heartbeat-" + accountId).start(heartbeat);
        try {
            sync(claim, heartbeat);
        } catch (SyncStore.LeaseLost lost) {
            LOG.warnf("sync of account %s stopped: its lease was lost (another instance resumes run %s)", accountId, claim.runId());
        } catch (SyncStore.Superseded superseded) {
            LOG.infof("sync run %s of account %s cancelled: %s", claim.runId(), accountId, superseded.getMessage());
            try {
                store.cancel(claim, owner, superseded.getMessage()).await().indefinitely();
            } catch (SyncStore.LeaseLost lost) {
                LOG.warnf("sync run %s was cancelled after its lease was lost", claim.runId());
            }
        } catch (DspAccountConnections.AccountUnavailable unavailable) {
            // missing, undecryptable or disabled credentials do not heal by retrying: blocked until the account is changed
            fail(claim, false, "credentials unavailable: " + unavailable.getMessage(), null);
        } catch (DspException failure) {
            fail(claim, failure.isTransient(), failure.getMessage(),
                    failure instanceof DspException.RateLimited limited ? limited.retryAfter() : null);
        } catch (RuntimeException failure) {
            LOG.errorf(failure, "sync run %s of account %s failed", claim.runId(), accountId);
            fail(claim, true, "sync failed: " + failure.getClass().getSimpleName(), null);
        } finally {
            beating.interrupt();
        }
    }

    private void sync(SyncStore.Claim claim, Heartbeat heartbeat) {
        if (!connections.isResolvable()) {
            throw new IllegalStateException("no AccountConnections: accounts cannot be reached");
        }
        AccountConnections reach = connections.get();
        AccountRef ref = await(() -> reach.accountRef(claim.orgId(), claim.accountId()));
        DspConnector connector = reach.connector(Dsp.fromLabel(claim.dspType()).orElseThrow());
        JsonObject counts = claim.counts();
        int pages = claim.pages();
        long dspWait = claim.dspWaitMs();
        long write = claim.writeMs();
        String at = claim.checkpoint().getString("level", EntityLevel.CAMPAIGN.name());
        if (!DONE.equals(at)) {
            EntityLevel first = EntityLevel.valueOf(at);
            String token = claim.checkpoint().getString("pageToken");
            for (EntityLevel level : EntityLevel.values()) {
                if (level.ordinal() < first.ordinal()) {
                    continue;
                }
                ListRequest request = new ListRequest(level, level == first ? token : null, claim.updatedSince());
                // a token saved by an earlier attempt may have expired at the DSP meanwhile
                boolean savedToken = request.pageToken() != null;
                Future<HierarchyPage> listing = list(connector, ref, request);
                List<DspEntity> batch = new ArrayList<>();
                try {
                    while (true) {
                        heartbeat.check();
                        long t0 = System.nanoTime();
                        HierarchyPage page;
                        try {
                            page = result(listing);
                        } catch (DspException.Rejected rejected) {
                            if (!savedToken) {
                                throw keepingBatch(claim, heartbeat, level, batch, request, counts, pages, dspWait, write, rejected);
                            }
                            LOG.infof("sync run %s: the DSP rejected the saved page token of level %s; that level restarts from its first page",
                                    claim.runId(), level);
                            savedToken = false;
                            request = new ListRequest(level, null, claim.updatedSince());
                            listing = list(connector, ref, request);
                            continue;
                        } catch (RuntimeException failure) {
                            throw keepingBatch(claim, heartbeat, level, batch, request, counts, pages, dspWait, write, failure);
                        }
                        savedToken = false;
                        long t1 = System.nanoTime();
                        dspWait += (t1 - t0) / 1_000_000;
                        pages++;
                        if (!page.last()) {
                            // the DSP lists the next page while this one is written
                            request = request.next(page.nextPageToken());
                            listing = list(connector, ref, request);
                        }
                        batch.addAll(page.entities());
                        if (!page.last() && batch.size() < settings.writeBatch()) {
                            continue;
                        }
                        JsonObject checkpoint = page.last()
                                ? new JsonObject().put("level", level.ordinal() + 1 < EntityLevel.values().length
                                ? EntityLevel.values()[level.ordinal() + 1].name() : DONE)
                                : new JsonObject().put("level", level.name()).put("pageToken", page.nextPageToken());
                        heartbeat.check();
                        // the batch's own write time is saved with the next batch (or at the end)
                        store.writeBatch(claim, owner, level, batch, checkpoint, counts, pages, dspWait, write)
                                .await().indefinitely();
                        write += (System.nanoTime() - t1) / 1_000_000;
                        batch = new ArrayList<>();
                        if (page.last()) {
                            break;
                        }
                    }
                } finally {
                    // a run that stops (failure, lost lease) does not leave a listing running at the DSP
                    listing.cancel(true);
                }
            }
        }
        heartbeat.check();
        store.succeed(claim, owner, counts, dspWait, write).await().indefinitely();
    }

    /**
     * A listing failed with pages gathered but not yet written: they are written first, with the failed page as the
     * checkpoint, so that the retry resumes there instead of listing them again (a throttled DSP could otherwise fail
     * every attempt before its batch is complete). The listing's failure is what the run then fails with; if the
     * write fails too (a lost lease, the database down), that failure wins.
     */
    private RuntimeException keepingBatch(SyncStore.Claim claim, Heartbeat heartbeat, EntityLevel level, List<DspEntity> batch,
                                          ListRequest failed, JsonObject counts, int pages, long dspWait, long write,
                                          RuntimeException failure) {
        if (batch.isEmpty()) {
            return failure;
        }
        heartbeat.check();
        JsonObject checkpoint = new JsonObject().put("level", level.name()).put("pageToken", failed.pageToken());
        store.writeBatch(claim, owner, level, batch, checkpoint, counts, pages, dspWait, write).await().indefinitely();
        batch.clear();
        return failure;
    }

    /** Lists one page on its own virtual thread, so that the DSP's answer and the previous page's write overlap. */
    private Future<HierarchyPage> list(DspConnector connector, AccountRef ref, ListRequest request) {
        return threads.submit(() -> connector.list(ref, request));
    }

    /** The listed page, or what the listing threw (a {@link DspException} as itself). */
    private static HierarchyPage result(Future<HierarchyPage> listing) {
        try {
            return listing.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("listing failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the sync was interrupted (the service stops)", e);
        }
    }

    private void fail(SyncStore.Claim claim, boolean transientFailure, String error, Duration retryAfter) {
        try {
            Duration backoff = backoff(store.failures(claim.accountId()).await().indefinitely(), retryAfter);
            store.fail(claim, owner, transientFailure, error, backoff).await().indefinitely();
        } catch (SyncStore.LeaseLost lost) {
            LOG.warnf("sync run %s failed after its lease was lost; another instance resumes it", claim.runId());
        }
    }

    /** The wait before the next attempt after {@code failures} failures in a row, at least the DSP's Retry-After. */
    private Duration backoff(int failures, Duration retryAfter) {
        Duration backoff = settings.backoffBase().multipliedBy(1L << Math.min(failures, 20));
        if (backoff.compareTo(settings.backoffMax()) > 0) {
            backoff = settings.backoffMax();
        }
        if (retryAfter != null && retryAfter.compareTo(backoff) > 0) {
            backoff = retryAfter;
        }
        return backoff;
    }

    private static <T> T await(java.util.function.Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Renews the lease while the run works; a run whose lease was lost, or whose account changed under it, stops before
     * its next page. A failed renewal (a database restart) is retried at the next beat: only an UPDATE that finds the
     * lease gone ends the run.
     */
    private final class Heartbeat implements Runnable {
        private final SyncStore.Claim claim;
        private volatile boolean lost;
        private volatile boolean superseded;

        Heartbeat(SyncStore.Claim claim) {
            this.claim = claim;
        }

        @Override
        public void run() {
            long every = Math.max(1, settings.lease().toMillis() / 3);
            try {
                while (!lost && !superseded) {
                    Thread.sleep(every);
                    try {
                        switch (store.heartbeat(claim, owner, settings.lease()).await().indefinitely()) {
                            case LOST -> lost = true;
                            case SUPERSEDED -> superseded = true;
                            case RENEWED -> { }
                        }
                    } catch (RuntimeException e) {
                        LOG.warnf("heartbeat of sync run %s failed, retried at the next beat: %s", claim.runId(), e.getMessage());
                    }
                }
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
        }

        void check() {
            if (lost) {
                throw new SyncStore.LeaseLost();
            }
            if (superseded) {
                throw new SyncStore.Superseded();
            }
        }
    }

    @PreDestroy
    void stop() {
        threads.shutdownNow();
    }
}
