package io.clp.pipeline.run;

import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs pending executions: every {@code clp.pipelines.executor.poll} it claims as many due executions as it has free
 * workers ({@code clp.pipelines.executor.workers}), each under a lease of {@code clp.pipelines.executor.lease} that a
 * heartbeat renews while the stages work, and runs bronze, silver and gold on a virtual thread of its own
 * ({@link ExecutionRun}). Every {@code clp.pipelines.executor.reaper} it gives executions whose lease expired (their
 * executor died) back to pending, or fails them when no attempt is left. Without a {@link Stages} bean the executor
 * claims nothing (a warning at start). See docs/pipelines.md, "Running executions".
 */
@ApplicationScoped
public class Executor {

    private static final Logger LOG = Logger.getLogger(Executor.class);
    static final int REAP_BATCH = 100;

    private final ExecutionStore store;
    private final Instance<Stages> stages;
    private final Settings settings;
    private final String owner;
    private final Semaphore slots;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("clp-execution-", 0).factory());
    private final AtomicBoolean warned = new AtomicBoolean();

    /** The executor's configuration. */
    record Settings(int workers, Duration lease, Duration heartbeat, Duration progressInterval) {
        Settings {
            if (workers < 0) {
                throw new IllegalStateException("clp.pipelines.executor.workers must be 0 or more, not " + workers);
            }
            if (lease.toSeconds() < 3) {
                throw new IllegalStateException("clp.pipelines.executor.lease must be at least 3s, not " + lease);
            }
            if (heartbeat.isZero() || heartbeat.isNegative() || heartbeat.compareTo(lease.dividedBy(2)) > 0) {
                throw new IllegalStateException("clp.pipelines.executor.heartbeat must be positive and at most half the lease ("
                        + lease + "), not " + heartbeat);
            }
        }
    }

    @Inject
    Executor(ExecutionStore store, Instance<Stages> stages,
             @ConfigProperty(name = "clp.pipelines.executor.workers", defaultValue = "2") int workers,
             @ConfigProperty(name = "clp.pipelines.executor.lease", defaultValue = "60s") Duration lease,
             @ConfigProperty(name = "clp.pipelines.executor.heartbeat", defaultValue = "20s") Duration heartbeat,
             @ConfigProperty(name = "clp.pipelines.executor.progress-interval", defaultValue = "1s") Duration progressInterval,
             @ConfigProperty(name = "clp.pipelines.executor.instance-id") Optional<String> instanceId) {
        this(store, stages, new Settings(workers, lease, heartbeat, progressInterval),
                instanceId.orElse("pipeline-" + UUID.randomUUID()));
    }

    /** The longest instance id: a claim's lease owner is the id, a slash and a 36-character token, in 255 characters. */
    static final int MAX_INSTANCE_ID = 255 - 37;

    Executor(ExecutionStore store, Instance<Stages> stages, Settings settings, String owner) {
        if (owner.isBlank() || owner.length() > MAX_INSTANCE_ID) {
            throw new IllegalArgumentException("clp.pipelines.executor.instance-id must be 1 to " + MAX_INSTANCE_ID
                    + " characters");
        }
        this.store = store;
        this.stages = stages;
        this.settings = settings;
        this.owner = owner;
        this.slots = new Semaphore(settings.workers());
    }

    /** Another executor on the same store, as a second instance of the service would be (tests of exclusion). */
    Executor withOwner(String otherOwner) {
        return new Executor(store, stages, settings, otherOwner);
    }

    String owner() {
        return owner;
    }

    Settings settings() {
        return settings;
    }

    @Scheduled(identity = "pipeline-executor", every = "${clp.pipelines.executor.poll:5s}",
            delayed = "${clp.pipelines.executor.delay:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        if (!stages.isResolvable()) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn("no single Stages bean: the pipeline executor runs no executions");
            }
            return;
        }
        try {
            start(stages.get(), null);
        } catch (RuntimeException e) {
            LOG.errorf(e, "the pipeline executor could not claim executions");
        }
    }

    @Scheduled(identity = "pipeline-reaper", every = "${clp.pipelines.executor.reaper:30s}",
            delayed = "${clp.pipelines.executor.delay:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reapTick() {
        try {
            int reaped;
            do {
                reaped = reap(stages.isResolvable() ? stages.get() : null, null);
            } while (reaped >= REAP_BATCH);
        } catch (RuntimeException e) {
            LOG.errorf(e, "the pipeline executor's reaper failed");
        }
    }

    /**
     * Claims what this executor has free workers for and starts each on its own virtual thread; the futures end with
     * the executions. {@code onlyPipelines} (null: all) limits the claim to those pipelines' executions.
     */
    List<CompletableFuture<Void>> start(Stages with, Collection<UUID> onlyPipelines) {
        int room = slots.drainPermits();
        if (room <= 0) {
            return List.of();
        }
        List<ExecutionStore.Claim> claims;
        try {
            claims = store.claim(owner, settings.lease(), room, onlyPipelines);
        } catch (RuntimeException e) {
            slots.release(room);
            throw e;
        }
        slots.release(room - claims.size());
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (ExecutionStore.Claim claim : claims) {
            runs.add(CompletableFuture.runAsync(() -> {
                try {
                    new ExecutionRun(store, with, claim, claim.leaseOwner(), settings).run();
                } catch (RuntimeException | Error e) {
                    LOG.errorf(e, "execution %s: the executor failed; its lease expires and the reaper takes it", claim.id());
                } finally {
                    slots.release();
                }
            }, threads));
        }
        return runs;
    }

    /**
     * Claims and runs what this executor has workers for with {@code with}, and waits for those executions to end; their
     * ids. The production loop ({@link #poll}) does the same with the {@link Stages} bean, without waiting.
     */
    public List<UUID> runOnce(Stages with) {
        return runOnce(with, null);
    }

    /** As {@link #runOnce(Stages)}, only for the executions of {@code onlyPipelines} (null: all). */
    public List<UUID> runOnce(Stages with, Collection<UUID> onlyPipelines) {
        List<UUID> ids = new ArrayList<>();
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        int room = slots.drainPermits();
        if (room <= 0) {
            return ids;
        }
        List<ExecutionStore.Claim> claims;
        try {
            claims = store.claim(owner, settings.lease(), room, onlyPipelines);
        } finally {
            slots.release(room);
        }
        for (ExecutionStore.Claim claim : claims) {
            ids.add(claim.id());
            runs.add(CompletableFuture.runAsync(() -> new ExecutionRun(store, with, claim, claim.leaseOwner(), settings).run(), threads));
        }
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
        return ids;
    }

    /**
     * Running executions whose lease expired go back to pending (attempt + 1, resumed at their first stage not
     * completed) or, without an attempt left, fail; cancelled when a cancellation was asked for; completed when all
     * their stages had (then, and when cancelled, {@code with}, when given, cleans their staging up). Only
     * {@code onlyPipelines}' (null: all). How many it took.
     */
    public int reap(Stages with, Collection<UUID> onlyPipelines) {
        List<ExecutionStore.Reaped> reaped = store.reap(REAP_BATCH, onlyPipelines);
        for (ExecutionStore.Reaped r : reaped) {
            LOG.warnf("execution %s: its executor's lease expired; now %s", r.claim().id(), r.outcome());
            if (with != null && ("cancelled".equals(r.outcome()) || "completed".equals(r.outcome()))) {
                ExecutionRun.cleanUp(with, ExecutionRun.context(r.claim(), null, null, null));
            }
        }
        return reaped.size();
    }

    @PreDestroy
    void stop() {
        threads.shutdownNow();
    }
}
