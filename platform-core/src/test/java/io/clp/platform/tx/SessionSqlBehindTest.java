package io.clp.platform.tx;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SessionSql#behind}: the second statement is sent before the first's reply, and the outcome is the first's failure
 * or the second's outcome, never before both have settled. Each "statement" here is a reply the test gives when it chooses.
 */
class SessionSqlBehindTest {

    private final List<String> sent = new ArrayList<>();

    private Uni<String> statement(String name, CompletableFuture<String> reply) {
        return Uni.createFrom().deferred(() -> {
            sent.add(name);
            return Uni.createFrom().completionStage(reply);
        });
    }

    @Test
    void theSecondIsSentBeforeTheFirstRepliesAndItsOutcomeIsTheAnswer() {
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();
        CompletableFuture<String> answer = SessionSql.behind(statement("first", first), () -> statement("second", second))
                .subscribeAsCompletionStage();
        assertThat(sent).containsExactly("first", "second");

        second.complete("rows");
        assertThat(answer).isNotDone();
        first.complete("entered");
        assertThat(answer.join()).isEqualTo("rows");
    }

    @Test
    void theFirstsFailureIsTheAnswerOnceTheSecondHasSettled() {
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();
        CompletableFuture<String> answer = SessionSql.behind(statement("first", first), () -> statement("second", second))
                .subscribeAsCompletionStage();
        IllegalStateException refused = new IllegalStateException("refused");
        first.completeExceptionally(refused);
        assertThat(answer).isNotDone();

        IllegalStateException aborted = new IllegalStateException("current transaction is aborted");
        second.completeExceptionally(aborted);
        assertThatThrownBy(answer::join).isInstanceOf(CompletionException.class).hasCause(refused);
        assertThat(refused.getSuppressed()).containsExactly(aborted);
    }

    @Test
    void cancelledItCancelsBoth() {
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();
        List<String> cancelled = new ArrayList<>();
        Cancellable answer = SessionSql.behind(statement("first", first).onCancellation().invoke(() -> cancelled.add("first")),
                () -> statement("second", second).onCancellation().invoke(() -> cancelled.add("second")))
                .subscribe().with(item -> sent.add("answered"), failure -> sent.add("failed"));
        answer.cancel();
        assertThat(cancelled).containsExactlyInAnyOrder("first", "second");

        first.complete("entered");
        second.complete("rows");
        assertThat(sent).containsExactly("first", "second");
    }

    @Test
    void theSecondsFailureIsTheAnswerWhenTheFirstSucceeds() {
        IllegalStateException broken = new IllegalStateException("broken");
        Uni<String> answer = SessionSql.behind(statement("first", CompletableFuture.completedFuture("entered")),
                () -> statement("second", CompletableFuture.failedFuture(broken)));
        assertThatThrownBy(() -> answer.await().indefinitely()).isSameAs(broken);
    }

    @Test
    void aSecondThatCannotBeMadeFailsAfterTheFirstHasReplied() {
        CompletableFuture<String> first = new CompletableFuture<>();
        IllegalArgumentException bad = new IllegalArgumentException("bad");
        CompletableFuture<Object> answer = SessionSql.behind(statement("first", first), () -> {
            throw bad;
        }).subscribeAsCompletionStage();
        assertThat(sent).containsExactly("first");
        assertThat(answer).isNotDone();

        first.complete("entered");
        assertThatThrownBy(answer::join).isInstanceOf(CompletionException.class).hasCause(bad);
    }
}
