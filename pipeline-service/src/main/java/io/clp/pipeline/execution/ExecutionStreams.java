package io.clp.pipeline.execution;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many execution event streams are open on this instance, per user and in all. Each open stream reads the
 * execution every {@code clp.pipelines.executor.events.interval} for up to an hour: without a cap, one client could
 * hold thousands and keep the database busy for everyone. A stream takes a slot when it is admitted and gives it back
 * when its response ends, however it ends (completed, failed, or the client gone).
 */
@ApplicationScoped
public class ExecutionStreams {

    private final int perUser;
    private final int total;
    private final ConcurrentHashMap<UUID, Integer> open = new ConcurrentHashMap<>();
    private final AtomicInteger all = new AtomicInteger();

    ExecutionStreams(@ConfigProperty(name = "clp.pipelines.executor.events.max-streams-per-user", defaultValue = "10") int perUser,
                     @ConfigProperty(name = "clp.pipelines.executor.events.max-streams", defaultValue = "500") int total) {
        if (perUser < 1 || total < 1) {
            throw new IllegalArgumentException("clp.pipelines.executor.events.max-streams(-per-user) must be at least 1");
        }
        this.perUser = perUser;
        this.total = total;
    }

    int perUser() {
        return perUser;
    }

    int total() {
        return total;
    }

    /**
     * A slot for one more stream of the user, or empty when the user holds as many as allowed, or the instance does
     * (the user's share is checked first: a user at their cap takes none of the instance's).
     */
    Optional<Slot> open(UUID userId) {
        boolean[] admitted = {false};
        open.compute(userId, (user, count) -> {
            int held = count == null ? 0 : count;
            if (held >= perUser) {
                return count;
            }
            if (all.incrementAndGet() > total) {
                all.decrementAndGet();
                return count;
            }
            admitted[0] = true;
            return held + 1;
        });
        return admitted[0] ? Optional.of(new Slot(userId)) : Optional.empty();
    }

    /** Streams open now: the user's, or all of them (null). */
    public int openStreams(UUID userId) {
        return userId == null ? all.get() : open.getOrDefault(userId, 0);
    }

    /** One admitted stream's place; closing it more than once gives it back once. */
    final class Slot implements AutoCloseable {
        private final UUID userId;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Slot(UUID userId) {
            this.userId = userId;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                open.computeIfPresent(userId, (user, count) -> count <= 1 ? null : count - 1);
                all.decrementAndGet();
            }
        }
    }
}
