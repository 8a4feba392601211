package io.clp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Starting the servers the tests run beside the service (PostgreSQL, the S3 server) as processes of their own. */
final class ServerProcesses {

    private ServerProcesses() {
    }

    /**
     * Starts {@code command}, its output appended to {@code log}, and waits up to 60 s until {@code accepting}; a
     * server that does not come up is killed, so that it never outlives the attempt.
     */
    static Process start(List<String> command, Path log, BooleanSupplier accepting, String what) {
        Process process = null;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!accepting.getAsBoolean()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(what + " did not start; see " + log);
                }
                Thread.sleep(100);
            }
            Process started = process;
            process = null;
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
        }
    }
}
