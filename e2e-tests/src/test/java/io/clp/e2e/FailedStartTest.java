package io.clp.e2e;

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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A component that cannot start stops `up` with its name and log, and nothing is left running. */
@Order(3)
class FailedStartTest {

    @Test
    void aComponentThatCannotStartIsNamedAndEverythingStartedIsStopped() throws Exception {
        Path root = StackLayout.locateRepoRoot();
        StackLayout layout = new StackLayout(root, root.resolve("e2e-tests/target/clp-failing-stack"));
        Ports ports = Ports.defaults().shiftedBy(25000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Stack stack = new Stack(StackContext.of(layout, ports), new PrintStream(out, true));

        // something else already holds PostgreSQL's port
        try (ServerSocket squatter = new ServerSocket(ports.postgres(), 50, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(stack::up)
                    .isInstanceOf(Stack.ComponentFailure.class)
                    .hasMessageContaining("postgres failed to start")
                    .hasMessageContaining(layout.log("postgres").toString());
        }

        assertThat(out.toString()).contains("stopping what this run started");
        assertThat(stack.status()).noneMatch(Stack.ComponentStatus::running);
    }
}
