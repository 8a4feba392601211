package io.clp.tenancy.security;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests presenting the same API key share one exchange with Keycloak: each goes on with the answer on its own
 * Vert.x context (its request context, its database session), never on the context of the request that started it.
 */
class ApiKeyExchangeContextTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aRequestWaitingForAnotherRequestsExchangeGoesOnOnItsOwnContext() throws Exception {
        Context started = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
        Context waiting = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
        CompletableFuture<ApiKeyExchange.Exchanged> shared = new CompletableFuture<>();
        CompletableFuture<Context> answeredOn = new CompletableFuture<>();
        CompletableFuture<Void> subscribed = new CompletableFuture<>();
        waiting.runOnContext(ignored -> {
            ApiKeyExchange.onCallersContext(shared).subscribe()
                    .with(exchanged -> answeredOn.complete(Vertx.currentContext()), answeredOn::completeExceptionally);
            subscribed.complete(null);
        });
        subscribed.get(5, TimeUnit.SECONDS);
        // the exchange completes on the context of the request that started it
        started.runOnContext(ignored -> shared.complete(new ApiKeyExchange.Exchanged("token", null, null)));
        assertThat(answeredOn.get(5, TimeUnit.SECONDS)).isSameAs(waiting);
    }

    @Test
    void aRequestThatStopsWaitingLeavesTheSharedExchangeToTheOthers() throws Exception {
        Context waiting = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
        CompletableFuture<ApiKeyExchange.Exchanged> shared = new CompletableFuture<>();
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        waiting.runOnContext(ignored -> {
            ApiKeyExchange.onCallersContext(shared).subscribe().with(exchanged -> { }).cancel();
            cancelled.complete(null);
        });
        cancelled.get(5, TimeUnit.SECONDS);
        assertThat(shared).isNotCancelled().isNotDone();
    }

    @Test
    void anExchangeAlreadyDoneAnswersAtOnceOnTheCallersContext() throws Exception {
        Context caller = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
        CompletableFuture<Object[]> answered = new CompletableFuture<>();
        caller.runOnContext(ignored -> {
            boolean[] inline = {false};
            ApiKeyExchange.onCallersContext(CompletableFuture.completedFuture(new ApiKeyExchange.Exchanged("token", null, null)))
                    .subscribe().with(exchanged -> inline[0] = true);
            answered.complete(new Object[]{inline[0], Vertx.currentContext()});
        });
        Object[] result = answered.get(5, TimeUnit.SECONDS);
        assertThat(result[0]).isEqualTo(true);
        assertThat(result[1]).isSameAs(caller);
    }
}
