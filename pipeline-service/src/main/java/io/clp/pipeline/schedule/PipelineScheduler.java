package io.clp.pipeline.schedule;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every {@code clp.pipelines.scheduler.tick}, starts the due pipelines' executions, a batch of
 * {@code clp.pipelines.scheduler.batch} at a time until none is due ({@code off} turns scheduling off). A tick that
 * has not finished after {@code clp.pipelines.scheduler.timeout} is given up (a warning), so a hung tick never stops
 * the ticks after it; the gauge {@code clp_pipeline_scheduler_last_success_seconds} is when a tick last finished.
 */
@ApplicationScoped
class PipelineScheduler {

    private static final Logger LOG = Logger.getLogger(PipelineScheduler.class);

    private final ScheduledRuns runs;
    private final int batch;
    private final Duration timeout;
    /** Epoch seconds of the last tick that finished, 0 before the first. */
    private final AtomicLong lastSuccess = new AtomicLong();

    PipelineScheduler(ScheduledRuns runs, @ConfigProperty(name = "clp.pipelines.scheduler.batch", defaultValue = "100") int batch,
                      @ConfigProperty(name = "clp.pipelines.scheduler.timeout", defaultValue = "60s") Duration timeout,
                      MeterRegistry registry) {
        this.runs = runs;
        this.batch = validBatch(batch);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalStateException("clp.pipelines.scheduler.timeout must be positive, not " + timeout);
        }
        this.timeout = timeout;
        Gauge.builder("clp.pipeline.scheduler.last.success.seconds", lastSuccess, AtomicLong::get)
                .description("When the pipeline scheduler's last tick finished (epoch seconds; 0: none yet)")
                .register(registry);
    }

    /** Fails the start (the bean is created at start-up) with a clear message when the batch cannot make progress. */
    static int validBatch(int batch) {
        if (batch < 1) {
            throw new IllegalStateException("clp.pipelines.scheduler.batch must be at least 1, not " + batch);
        }
        return batch;
    }

    void onStart(@Observes StartupEvent start) {
        LOG.debugf("pipeline scheduler: batch %d, timeout %s", batch, timeout);
    }

    @Scheduled(identity = "pipeline-scheduler", every = "${clp.pipelines.scheduler.tick:10s}",
            delayed = "${clp.pipelines.scheduler.delay:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return guarded(drain());
    }

    /** The tick's work, bounded by the timeout; a failure or a timeout is logged and the next tick runs as usual. */
    Uni<Void> guarded(Uni<Void> work) {
        return work.ifNoItem().after(timeout).failWith(() -> new TimeoutException("no answer after " + timeout))
                .invoke(() -> lastSuccess.set(System.currentTimeMillis() / 1000))
                .onFailure(TimeoutException.class).invoke(e -> LOG.warnf(
                        "the pipeline scheduler's tick did not finish within %s (clp.pipelines.scheduler.timeout): given up", timeout))
                .onFailure(e -> !(e instanceof TimeoutException)).invoke(e -> LOG.errorf(e, "the pipeline scheduler's tick failed"))
                .onFailure().recoverWithNull();
    }

    long lastSuccessEpochSeconds() {
        return lastSuccess.get();
    }

    /** Batches until one comes back short: a backlog after downtime is worked off in one tick, each batch its own transaction. */
    private Uni<Void> drain() {
        return runs.startDue(batch).chain(done -> {
            if (done.claimed() > 0) {
                LOG.debugf("pipeline scheduler: %d due, %d executions created, %d failed", done.claimed(), done.created(), done.failed());
            }
            return done.claimed() < batch ? Uni.createFrom().voidItem() : drain();
        });
    }
}
