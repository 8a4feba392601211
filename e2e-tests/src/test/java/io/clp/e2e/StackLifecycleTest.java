package io.clp.e2e;

import io.clp.launcher.Stack;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** `clp status` sees every component of a started stack up, each with its port and PID. */
class StackLifecycleTest {

    @Test
    void everyComponentIsUpWithItsPortAndPid() {
        Stack stack = LocalStack.get();
        assertThat(stack.status()).hasSize(10).allSatisfy(s -> {
            assertThat(s.healthy()).as(s.name()).isTrue();
            assertThat(s.pid()).as(s.name()).isPresent();
            assertThat(s.port()).isGreaterThan(20000);
        });
    }
}
