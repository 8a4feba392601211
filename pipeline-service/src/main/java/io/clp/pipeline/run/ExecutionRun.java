package io.clp.pipeline.run;

import io.clp.events.pipeline.ExecutionFailed;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One claimed execution run to its end on the calling (virtual) thread: the stages not yet completed, in order, each
 * recorded as it starts and ends, while a heartbeat renews the lease. The stages call {@link RunContext#checkpoint()}
 * between chunks: it stops them when the execution was cancelled (the execution ends cancelled, its staging cleaned
 * up) or the lease lost (nothing more is written: whoever holds the execution now decides). A failure is transient
 * (back to pending with the retry backoff while attempts remain, resumed at the failed stage) or permanent (failed).
 */
final class ExecutionRun {

    private static final Logger LOG = Logger.getLogger(ExecutionRun.class);
    /** The longest error message kept (the execution's error_message and its failed event). */
    static final int MAX_ERROR = 1000;

    private final ExecutionStore store;
    private final Stages stages;
    private final ExecutionStore.Claim claim;
    private final String owner;
    private final Executor.Settings settings;

    private volatile boolean lost;
    private volatile boolean cancelRequested;
    private volatile Stage current;
    private volatile long rows;
    private volatile long lastWrite;
    /** Progress reported and not yet written. */
    private volatile boolean dirty;
    /** One progress write at a time (the stage's thread and the heartbeat's). */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Guards {@link #waiting}: a stop interrupts the stage's thread only while it waits, never inside a database call. */
    private final Object waitLock = new Object();
    /** The stage's thread while it waits outside the database ({@link RunContext#interruptibly}), else null. */
    private Thread waiting;
    /** Whether a stop interrupted {@link #waiting}: the interrupt is then the run's own, and cleared after the wait. */
    private boolean interruptedWait;

    ExecutionRun(ExecutionStore store, Stages stages, ExecutionStore.Claim claim, String owner, Executor.Settings settings) {
        this.store = store;
        this.stages = stages;
        this.claim = claim;
        this.owner = owner;
        this.settings = settings;
    }

    static RunContext context(ExecutionStore.Claim claim, RunContext.Progress progress, RunContext.Checkpoint checkpoint,
                              String owner) {
        return new RunContext(claim.organizationId(), claim.pipelineId(), claim.id(), claim.dspAccountId(),
                StageConfig.effective(claim.config(), claim.templateConfig()),
                claim.from(), claim.to(), claim.attempt(), progress == null ? (stage, rows) -> { } : progress,
                checkpoint == null ? () -> { } : checkpoint, owner);
    }

    void run() {
        Thread heartbeat = Thread.ofVirtual().name("clp-execution-heartbeat-" + claim.id()).start(this::beat);
        RunContext context = context(claim, this::progress, new RunContext.Checkpoint() {
            @Override
            public void check() throws RunContext.ExecutionStopped {
                checkpoint();
            }

            @Override
            public <T> T interruptibly(RunContext.Wait<T> wait) throws Exception {
                return ExecutionRun.this.interruptibly(wait);
            }
        }, owner);
        try {
            for (Stage stage : Stage.values()) {
                if (claim.completed(stage)) {
                    continue;
                }
                current = stage;
                rows = 0;
                checkpoint();
                if (!store.startStage(claim.id(), owner, stage)) {
                    throw leaseLost();
                }
                long started = System.nanoTime();
                StageResult result = stage.run(stages, context);
                long durationMs = (System.nanoTime() - started) / 1_000_000;
                if (result == null) {
                    throw StageFailure.permanent("the " + stage.label + " stage returned no result");
                }
                if (lost) {
                    throw leaseLost();
                }
                if (stage == Stage.SILVER && result.blockedBy() != null) {
                    blocked(result, durationMs);
                    return;
                }
                if (!store.endStage(claim.id(), owner, stage, result, durationMs)) {
                    throw leaseLost();
                }
            }
            current = null;
            if (store.complete(claim, owner) == null) {
                LOG.warnf("execution %s: its lease was lost before it could be completed; whoever holds it now finishes it", claim.id());
                return;
            }
            cleanUp(stages, context);
        } catch (RunContext.ExecutionStopped stopped) {
            stop(context);
        } catch (Exception | StackOverflowError | OutOfMemoryError failure) {
            // an execution that exhausts the stack or the heap fails (for good: the same input does it again) rather
            // than staying running until its lease expires
            failed(failure, context);
        } finally {
            heartbeat.interrupt();
        }
    }

    private void stop(RunContext context) {
        if (lost) {
            LOG.warnf("execution %s stopped: its lease was lost; nothing more is written by this executor", claim.id());
            return;
        }
        if (store.cancel(claim, owner, current) != null) {
            LOG.infof("execution %s cancelled in its %s stage", claim.id(), current == null ? "last" : current.label);
            cleanUp(stages, context);
        } else {
            LOG.warnf("execution %s stopped, but it could not be marked cancelled (its lease was lost)", claim.id());
        }
    }

    /** A blocking data-quality check stopped silver: the execution fails naming the check; a retry runs silver again. */
    private void blocked(StageResult result, long durationMs) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("stage", Stage.SILVER.label);
        details.put("kind", ExecutionFailed.BLOCKED);
        details.put("check", result.blockedBy());
        details.put("records", result.records());
        details.put("recordsFiltered", result.filtered());
        details.put("durationMs", durationMs);
        if (result.details() != null && !result.details().isEmpty()) {
            details.put("details", result.details());
        }
        String error = truncate("the blocking data-quality check " + result.blockedBy() + " failed");
        if (store.fail(claim, owner, Stage.SILVER, "blocked", ExecutionFailed.BLOCKED, error, result.blockedBy(), details) == null) {
            LOG.warnf("execution %s: its lease was lost before its failure could be recorded", claim.id());
        }
    }

    private void failed(Throwable failure, RunContext context) {
        if (lost) {
            LOG.warnf(failure, "execution %s failed after its lease was lost; nothing more is written by this executor", claim.id());
            return;
        }
        boolean transientFailure = ExecutionFailures.isTransient(failure);
        String error = truncate(message(failure));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("stage", current == null ? null : current.label);
        details.put("kind", transientFailure ? "transient" : "permanent");
        details.put("attempt", claim.attempt());
        details.put("exception", failure.getClass().getName());
        int maxAttempts = claim.retry().maxAttempts();
        if (transientFailure && claim.attempt() < maxAttempts) {
            // the pipeline's backoff, or longer when the source asked for a longer wait (a DSP's Retry-After)
            Duration backoff = Duration.ofSeconds(claim.retry().backoffSeconds());
            Duration asked = ExecutionFailures.retryAfter(failure);
            if (asked != null && asked.compareTo(backoff) > 0) {
                backoff = asked;
            }
            details.put("retryInSeconds", backoff.toSeconds());
            LOG.warnf("execution %s: attempt %d of %d failed in %s (%s); retried in %s", claim.id(), claim.attempt(),
                    maxAttempts, current == null ? "-" : current.label, error, backoff);
            if (!store.retryLater(claim, owner, current, error, details, backoff)) {
                // not retried when a cancellation was asked for meanwhile: it ends cancelled now, not after the backoff
                stop(context);
            }
            return;
        }
        String reason = transientFailure ? ExecutionFailed.ATTEMPTS_EXHAUSTED : ExecutionFailed.PERMANENT;
        LOG.warnf(failure, "execution %s failed in %s (%s, attempt %d of %d)", claim.id(), current == null ? "-" : current.label,
                reason, claim.attempt(), maxAttempts);
        if (store.fail(claim, owner, current, "failed", reason, error, null, details) == null) {
            LOG.warnf("execution %s: its lease was lost before its failure could be recorded", claim.id());
        }
    }

    private static String message(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }

    private static String truncate(String text) {
        return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR - 1) + "…";
    }

    static void cleanUp(Stages stages, RunContext context) {
        try {
            stages.cleanUp(context);
        } catch (RuntimeException e) {
            LOG.warnf(e, "execution %s: its staging could not be cleaned up", context.executionId());
        }
    }

    /**
     * Renews the lease every heartbeat until the run ends or the lease is found lost (a failed renewal is tried again at
     * the next beat), and writes progress the stage reported but the throttle held back, so the last count shows.
     */
    private void beat() {
        long lastBeat = System.nanoTime();
        Duration tick = settings.progressInterval().compareTo(settings.heartbeat()) < 0 ? settings.progressInterval()
                : settings.heartbeat();
        while (!Thread.currentThread().isInterrupted() && !lost) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (dirty) {
                    maybeWrite();
                }
                if (System.nanoTime() - lastBeat >= settings.heartbeat().toNanos()) {
                    lastBeat = System.nanoTime();
                    observe(store.heartbeat(claim.id(), owner, settings.lease()));
                }
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                LOG.warnf("execution %s: the lease could not be renewed (%s); trying again at the next beat", claim.id(), e.getMessage());
            }
        }
    }

    private void observe(ExecutionStore.Beat beat) {
        switch (beat) {
            case LOST -> {
                lost = true;
                interruptWait();
            }
            case CANCEL_REQUESTED -> {
                cancelRequested = true;
                interruptWait();
            }
            case HELD -> { }
        }
    }

    /**
     * Runs a stage's wait outside the database so that a stop learnt meanwhile (by the heartbeat, within a beat)
     * interrupts it: the wait then ends with {@link RunContext.ExecutionStopped}, whatever the interrupted call threw.
     */
    private <T> T interruptibly(RunContext.Wait<T> wait) throws Exception {
        checkpoint();
        synchronized (waitLock) {
            waiting = Thread.currentThread();
            interruptedWait = false;
        }
        try {
            // a stop learnt between the checkpoint and now would interrupt nothing; the flags alone are read here (a
            // progress write would be a database call the interrupt could land in)
            if (lost) {
                throw leaseLost();
            }
            if (cancelRequested) {
                throw new RunContext.ExecutionStopped("cancelled");
            }
            T result = wait.call();
            boolean stopped;
            synchronized (waitLock) {
                stopped = interruptedWait;
            }
            if (stopped) {
                // the wait finished in spite of the interrupt (it swallowed it): its result is not used
                if (result instanceof AutoCloseable closeable) {
                    try {
                        closeable.close();
                    } catch (Exception e) {
                        LOG.debugf("execution %s: what a stopped wait returned could not be closed: %s", claim.id(), e.getMessage());
                    }
                }
                throw lost ? leaseLost() : new RunContext.ExecutionStopped("cancelled");
            }
            return result;
        } catch (RunContext.ExecutionStopped stopped) {
            throw stopped;
        } catch (Exception e) {
            if (lost || cancelRequested) {
                RunContext.ExecutionStopped stopped = lost ? leaseLost() : new RunContext.ExecutionStopped("cancelled");
                stopped.addSuppressed(e);
                throw stopped;
            }
            throw e;
        } finally {
            synchronized (waitLock) {
                waiting = null;
                if (interruptedWait) {
                    // the run's own interrupt must not reach the stage's next database call
                    Thread.interrupted();
                }
            }
        }
    }

    private void interruptWait() {
        synchronized (waitLock) {
            if (waiting != null && waiting != Thread.currentThread()) {
                interruptedWait = true;
                waiting.interrupt();
            }
        }
    }

    private void progress(String stage, long done) {
        rows = done;
        dirty = true;
        maybeWrite();
    }

    /**
     * Writes the progress, and learns of a cancellation or a lost lease, at most once per progress interval. The stage's
     * thread and the heartbeat's both call it; a lock rather than {@code synchronized}, which would pin a virtual
     * thread's carrier (Java 21) during the database write.
     */
    private void maybeWrite() {
        writeLock.lock();
        try {
            long now = System.nanoTime();
            if (now - lastWrite < settings.progressInterval().toNanos()) {
                return;
            }
            lastWrite = now;
            dirty = false;
            Stage stage = current;
            if (stage == null) {
                return;
            }
            try {
                observe(store.progress(claim.id(), owner, stage, rows));
            } catch (RuntimeException e) {
                LOG.debugf("execution %s: progress not written (%s)", claim.id(), e.getMessage());
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void checkpoint() throws RunContext.ExecutionStopped {
        if (!lost && !cancelRequested) {
            maybeWrite();
        }
        if (lost) {
            throw leaseLost();
        }
        if (cancelRequested || claim.cancelRequested()) {
            throw new RunContext.ExecutionStopped("cancelled");
        }
    }

    private RunContext.ExecutionStopped leaseLost() {
        lost = true;
        return new RunContext.ExecutionStopped("lease lost");
    }

    UUID id() {
        return claim.id();
    }
}
