package io.clp.e2e;

import io.clp.launcher.Stack;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What `clp status` and `clp down` promise, on the running stack. */
@Order(2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackLifecycleTest {

    @Test
    @Order(1)
    void statusShowsEveryComponentUpWithItsPortAndPid() {
        Stack stack = LocalStack.get();
        assertThat(stack.status()).extracting(Stack.ComponentStatus::name).containsExactly(
                "postgres", "kafka", "keycloak", "connect", "dsp-simulator", "s3", "identity-service", "campaign-service",
                "pipeline-service", "rules-service", "notification-service", "audit-service");
        assertThat(stack.status()).allSatisfy(s -> {
            assertThat(s.healthy()).as(s.name() + " healthy").isTrue();
            assertThat(s.pid()).as(s.name() + " pid").isPresent();
            assertThat(s.port()).as(s.name() + " port").isGreaterThan(LocalStack.PORT_SHIFT)
                    .isLessThan(LocalStack.FIRST_EPHEMERAL_PORT);
        });
    }

    @Test
    @Order(2)
    void downLeavesNoProcessOfTheStackRunning() {
        Stack stack = LocalStack.get();
        List<ProcessHandle> processes = stack.status().stream()
                .map(Stack.ComponentStatus::pid)
                .flatMap(Optional::stream)
                .map(ProcessHandle::of)
                .flatMap(Optional::stream)
                .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants()))
                .toList();
        assertThat(processes).hasSizeGreaterThanOrEqualTo(12);

        assertThat(stack.down()).hasSize(12);

        assertThat(processes).noneMatch(ProcessHandle::isAlive);
        assertThat(stack.status()).noneMatch(Stack.ComponentStatus::running);
    }
}
