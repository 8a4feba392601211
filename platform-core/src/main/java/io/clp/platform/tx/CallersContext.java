package io.clp.platform.tx;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Work that leaves the event loop (a blocking call on a worker or virtual thread) comes back to its caller's Vert.x
 * context before the caller goes on: a request's steps find its request context and its database session only there
 * (docs/adr/0016-request-context-without-propagation.md).
 */
public final class CallersContext {

    private CallersContext() {
    }

    /**
     * {@code offloaded}'s outcome, handed to the subscriber on the Vert.x context it subscribed on; as is when it
     * subscribed on none (a plain thread).
     */
    public static <T> Uni<T> back(Uni<T> offloaded) {
        return Uni.createFrom().deferred(() -> {
            Context caller = Vertx.currentContext();
            return caller == null ? offloaded : offloaded.emitOn(task -> caller.runOnContext(ignored -> task.run()));
        });
    }
}
