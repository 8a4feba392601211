package io.clp.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** One process of the local stack: how to prepare it, start it, tell it is healthy, and stop it. */
public abstract class Component {

    protected final StackContext ctx;

    protected Component(StackContext ctx) {
        this.ctx = ctx;
    }

    public abstract String name();

    public abstract int port();

    /** Work done before starting that may take long the first time (unpacking, formatting). */
    public void prepare() {
    }

    protected abstract void spawn();

    public abstract boolean healthy();

    /** Work done once the component answers (creating databases, roles, publications). */
    public void afterHealthy() {
    }

    public Duration startTimeout() {
        return Duration.ofSeconds(120);
    }

    protected Duration stopGrace() {
        return Duration.ofSeconds(20);
    }

    public Path log() {
        return ctx.layout().log(name());
    }

    public Path pidFile() {
        return ctx.layout().pidFile(name());
    }

    public Optional<ProcessHandle> process() {
        return ManagedProcess.running(pidFile());
    }

    /** Starts the process unless it is already running; returns whether it started one. */
    public boolean start() {
        if (process().isPresent()) {
            return false;
        }
        prepare();
        spawn();
        return true;
    }

    public boolean stop() {
        return ManagedProcess.stop(pidFile(), stopGrace());
    }
}
