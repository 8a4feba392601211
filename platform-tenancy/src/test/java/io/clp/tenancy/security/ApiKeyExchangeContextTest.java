package io.clp.tenancy.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.impl.ContextInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
    void requestsPresentingTheSameKeyShareOneExchangeAndEachGoesOnOnItsOwnContext() throws Exception {
        AtomicInteger exchanges = new AtomicInteger();
        // a token endpoint that answers each exchange after 300 ms, so the second request arrives while the first waits
        HttpServer keycloak = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(form -> {
            exchanges.incrementAndGet();
            String claims = Base64.getUrlEncoder().withoutPadding().encodeToString("{}".getBytes(StandardCharsets.UTF_8));
            vertx.setTimer(300, tick -> request.response().putHeader("Content-Type", "application/json")
                    .end("{\"access_token\": \"e30." + claims + ".sig\"}"));
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        ApiKeyExchange exchange = new ApiKeyExchange(new io.vertx.mutiny.core.Vertx(vertx), new ObjectMapper(),
                Optional.of("http://127.0.0.1:" + keycloak.actualPort() + "/realms/clp"), Duration.ofSeconds(30), Duration.ofSeconds(5), 100);
        exchange.init();
        try {
            ApiKeyCredential key = ApiKeyCredential.generate().credential();
            Context first = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
            Context second = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
            Context leaving = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
            CompletableFuture<Context> firstOn = new CompletableFuture<>();
            CompletableFuture<Context> secondOn = new CompletableFuture<>();
            first.runOnContext(ignored -> exchange.accessToken(key).subscribe()
                    .with(token -> firstOn.complete(Vertx.currentContext()), firstOn::completeExceptionally));
            Thread.sleep(100);
            // a third request presenting the key goes away while it waits: the others' exchange goes on
            leaving.runOnContext(ignored -> exchange.accessToken(key).subscribe().with(token -> { }).cancel());
            second.runOnContext(ignored -> exchange.accessToken(key).subscribe()
                    .with(token -> secondOn.complete(Vertx.currentContext()), secondOn::completeExceptionally));
            assertThat(firstOn.get(5, TimeUnit.SECONDS)).isSameAs(first);
            assertThat(secondOn.get(5, TimeUnit.SECONDS)).isSameAs(second);
            assertThat(exchanges.get()).isEqualTo(1);
        } finally {
            exchange.close();
        }
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
