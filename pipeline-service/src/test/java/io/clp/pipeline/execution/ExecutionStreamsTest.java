package io.clp.pipeline.execution;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExecutionStreamsTest {

    final UUID ann = UUID.randomUUID();
    final UUID bob = UUID.randomUUID();
    final UUID cid = UUID.randomUUID();

    @Test
    void aUserHoldsAtMostTheirShareAndGetsASlotBackOnceWhenOneCloses() {
        ExecutionStreams streams = new ExecutionStreams(2, 100);
        ExecutionStreams.Slot first = streams.open(ann).orElseThrow();
        streams.open(ann).orElseThrow();

        assertThat(streams.open(ann)).as("a third of ann's").isEmpty();
        assertThat(streams.open(bob)).as("bob's share is his own").isPresent();

        first.close();
        first.close();
        assertThat(streams.openStreams(ann)).as("closed twice, given back once").isEqualTo(1);
        assertThat(streams.openStreams(null)).isEqualTo(2);
        assertThat(streams.open(ann)).isPresent();
        assertThat(streams.open(ann)).isEmpty();
    }

    @Test
    void theInstanceHoldsAtMostItsTotalAndAUserAtTheirCapTakesNoneOfIt() {
        ExecutionStreams streams = new ExecutionStreams(2, 3);
        ExecutionStreams.Slot annsFirst = streams.open(ann).orElseThrow();
        streams.open(ann).orElseThrow();
        assertThat(streams.open(ann)).as("ann is at her cap").isEmpty();
        ExecutionStreams.Slot bobs = streams.open(bob).orElseThrow();

        assertThat(streams.open(cid)).as("the instance is full").isEmpty();
        assertThat(streams.openStreams(cid)).isZero();

        bobs.close();
        assertThat(streams.open(ann)).as("ann still at her cap: the freed slot stays for others").isEmpty();
        assertThat(streams.open(cid)).isPresent();
        annsFirst.close();
        assertThat(streams.openStreams(null)).isEqualTo(2);
    }

    @Test
    void countsNeitherDriftNorLeakUnderConcurrentOpensAndCloses() throws Exception {
        ExecutionStreams streams = new ExecutionStreams(3, 50);
        List<UUID> users = List.of(ann, bob, cid, UUID.randomUUID(), UUID.randomUUID());
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        UUID user = users.get((thread + i) % users.size());
                        streams.open(user).ifPresent(slot -> {
                            assertThat(streams.openStreams(user)).isBetween(1, 3);
                            slot.close();
                            slot.close();
                        });
                    }
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        }
        assertThat(streams.openStreams(null)).isZero();
        for (UUID user : users) {
            assertThat(streams.openStreams(user)).isZero();
        }
    }

    @Test
    void aCapBelowOneIsRefusedAtStart() {
        assertThatThrownBy(() -> new ExecutionStreams(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ExecutionStreams(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
