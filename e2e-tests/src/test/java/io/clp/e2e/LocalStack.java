package io.clp.e2e;

import io.clp.launcher.Ports;
import io.clp.launcher.Stack;
import io.clp.launcher.StackContext;
import io.clp.launcher.StackLayout;

import java.nio.file.Path;

/**
 * The whole platform for the end-to-end tests, started through the same launcher as {@code ./clp up},
 * in its own folder (e2e-tests/target/clp-stack) and on ports shifted by 10000 so that it never
 * clashes with a stack a developer is running. Every shifted port stays below the kernel's ephemeral
 * range (32768 and up on Linux): a port in that range can already be held by the local end of some
 * outgoing connection when the stack binds it.
 */
final class LocalStack {

    static final int PORT_SHIFT = 10000;
    static final int FIRST_EPHEMERAL_PORT = 32768;
    private static Stack stack;

    private LocalStack() {
    }

    static synchronized Stack get() {
        if (stack == null) {
            Path root = StackLayout.locateRepoRoot();
            StackLayout layout = new StackLayout(root, root.resolve("e2e-tests/target/clp-stack"));
            Stack s = new Stack(StackContext.of(layout, Ports.defaults().shiftedBy(PORT_SHIFT)), System.out);
            Runtime.getRuntime().addShutdownHook(new Thread(s::down));
            s.up();
            stack = s;
        }
        return stack;
    }
}
