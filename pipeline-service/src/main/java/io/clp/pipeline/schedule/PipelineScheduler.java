package io.clp.pipeline.schedule;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Every {@code clp.pipelines.scheduler.tick}, starts the due pipelines' executions, a batch of
 * {@code clp.pipelines.scheduler.batch} at a time until none is due ({@code off} turns scheduling off).
 */
@ApplicationScoped
class PipelineScheduler {

    private static final Logger LOG = Logger.getLogger(PipelineScheduler.class);

    private final ScheduledRuns runs;
    private final int batch;

    PipelineScheduler(ScheduledRuns runs, @ConfigProperty(name = "clp.pipelines.scheduler.batch", defaultValue = "100") int batch) {
        this.runs = runs;
        this.batch = batch;
    }

    @Scheduled(identity = "pipeline-scheduler", every = "${clp.pipelines.scheduler.tick:10s}",
            delayed = "${clp.pipelines.scheduler.delay:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return drain().onFailure().invoke(e -> LOG.errorf(e, "the pipeline scheduler's tick failed")).onFailure().recoverWithNull();
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
