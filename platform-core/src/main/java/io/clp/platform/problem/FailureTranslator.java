package io.clp.platform.problem;

import java.util.Optional;

/**
 * Turns a failure the generic mappers do not know (a service's or a shared rule's own SQLSTATE, for
 * example) into a problem. {@link io.clp.platform.web.ProblemMappers} asks every translator bean before it answers 500, so
 * the rule that raises a failure and the problem it becomes live together, not in the generic mapper.
 */
public interface FailureTranslator {

    /** The problem {@code failure} (or a cause below it) stands for, if this translator knows it. */
    Optional<ProblemException> translate(Throwable failure);
}
