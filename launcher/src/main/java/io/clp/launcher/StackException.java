package io.clp.launcher;

/** A failure the launcher reports to its user as one clear sentence. */
public class StackException extends RuntimeException {
    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
