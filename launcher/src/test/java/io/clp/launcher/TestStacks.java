package io.clp.launcher;

import java.nio.file.Path;

/** A stack context over the real repository with its home in a temporary folder: nothing is started. */
final class TestStacks {

    private TestStacks() {
    }

    static StackContext context(Path home) {
        StackLayout layout = new StackLayout(StackLayout.locateRepoRoot(), home);
        return new StackContext(layout, Ports.defaults(), new Secrets(layout.secretsFile()),
                Path.of(System.getProperty("java.home")));
    }
}
