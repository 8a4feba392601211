package io.clp.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts a long-running process detached from the launcher (its own session, output appended to a
 * log file, PID written to a file) and stops exactly that process and its descendants by PID.
 */
public final class ManagedProcess {

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private ManagedProcess() {
    }

    public static long spawn(List<String> command, Map<String, String> env, Path workDir, Path log, Path pidFile) {
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            // its own session: closing the terminal that ran `clp up` does not hang the stack up
            full.add(SETSID.toString());
        }
        full.addAll(command);
        try {
            Files.createDirectories(log.getParent());
            Files.createDirectories(pidFile.getParent());
            ProcessBuilder builder = new ProcessBuilder(full)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().putAll(env);
            Process process = builder.start();
            Files.writeString(pidFile, Long.toString(process.pid()));
            return process.pid();
        } catch (IOException e) {
            throw new StackException("could not start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
    }

    /** Runs a short command to completion, failing with its output when it exits non-zero. */
    public static void run(List<String> command, Map<String, String> env, Path workDir, Duration timeout) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
            builder.environment().putAll(env);
            Process process = builder.start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new StackException(command.get(0) + " did not finish within " + timeout);
            }
            if (process.exitValue() != 0) {
                throw new StackException(String.join(" ", command) + " failed (exit " + process.exitValue() + "):\n"
                        + new String(out));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while running " + command.get(0), e);
        }
    }

    public static Optional<ProcessHandle> running(Path pidFile) {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Asks the process and its descendants to stop (SIGTERM), waits up to {@code grace}, then kills
     * whatever is left. Only processes recorded in {@code pidFile} and their children are touched.
     */
    public static boolean stop(Path pidFile, Duration grace) {
        Optional<ProcessHandle> handle = running(pidFile);
        boolean stopped = false;
        if (handle.isPresent()) {
            ProcessHandle process = handle.get();
            List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
            tree.add(process);
            tree.forEach(ProcessHandle::destroy);
            long deadline = System.nanoTime() + grace.toNanos();
            while (tree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                sleep(Duration.ofMillis(100));
            }
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            stopped = true;
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stopped;
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted", e);
        }
    }
}
