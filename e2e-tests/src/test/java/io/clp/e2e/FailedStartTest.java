package io.clp.e2e;

import io.clp.launcher.Component;
import io.clp.launcher.Ports;
import io.clp.launcher.Stack;
import io.clp.launcher.StackContext;
import io.clp.launcher.StackLayout;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A component that cannot start stops `up` with its name and log, and nothing is left running. */
@Order(3)
class FailedStartTest {

    @Test
    void aComponentThatCannotStartIsNamedAndEverythingStartedIsStopped() throws Exception {
        Path root = StackLayout.locateRepoRoot();
        StackLayout layout = new StackLayout(root, root.resolve("e2e-tests/target/clp-failing-stack"));
        // clashes neither with ./clp up nor with the shared end-to-end stack, and stays below the ephemeral
        // range so that only the squatter below can hold the blocked port
        Ports ports = Ports.defaults().shiftedBy(12000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Stack stack = new Stack(StackContext.of(layout, ports), new PrintStream(out, true));
        // the component the stack starts first, whichever that is: nothing can have failed before it
        Component blocked = stack.components().getFirst();
        assertThat(stack.components()).allSatisfy(c -> assertThat(c.port()).isLessThan(LocalStack.FIRST_EPHEMERAL_PORT));

        Stack.ComponentFailure failure;
        try (ServerSocket squatter = new ServerSocket(blocked.port(), 50, InetAddress.getByName("127.0.0.1"))) {
            failure = catchThrowableOfType(Stack.ComponentFailure.class, stack::up);
        }

        assertThat(failure).as("up fails when %s's port %d is taken; it printed:%n%s", blocked.name(), blocked.port(), out)
                .isNotNull();
        assertThat(failure.component().name())
                .as("the component reported as failed (%s)", failure.getMessage()).isEqualTo(blocked.name());
        assertThat(failure).hasMessageContaining(blocked.name() + " failed to start")
                .hasMessageContaining(blocked.log().toString());
        assertThat(out.toString()).contains("stopping what this run started");
        assertThat(stack.status()).as("components left running").noneMatch(Stack.ComponentStatus::running);
    }
}
