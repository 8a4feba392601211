package io.clp.platform.tx;

import java.util.UUID;

/**
 * The authenticated caller of the current HTTP request, as {@link Actor} records it: implemented by
 * the module that reads callers from their tokens, so the transactional plumbing does not depend on
 * how callers are authenticated.
 */
public interface RequestCaller {

    boolean authenticated();

    /** The actor as events and the audit context name it ({@code user:<id>}, {@code apikey:<prefix>}). */
    String actor();

    UUID userId();

    String displayName();

    String requestId();
}
