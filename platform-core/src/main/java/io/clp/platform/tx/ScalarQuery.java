package io.clp.platform.tx;

import org.hibernate.reactive.mutiny.Mutiny;

/**
 * A native query of one column whose values are read as the driver hands them over (text as String, uuid as UUID,
 * bigint and count(*) as Long, boolean as Boolean). Hibernate keeps a native query's plan under its SQL and result
 * mapping, but a mapping to a basic class ({@code createNativeQuery(sql, String.class)}) never equals another one: each
 * execution would miss the plan cache and store one more entry under the same hash, and every later look-up of that
 * SQL would compare it with all of them. A query read as {@code Object} finds its plan again. For the queries that
 * run on every request (the organization's state, a grant check, an entity's existence).
 */
public final class ScalarQuery {

    private ScalarQuery() {
    }

    /** The query, its values typed as {@code type}: a value of another type fails where it is used. */
    @SuppressWarnings("unchecked")
    public static <T> Mutiny.SelectionQuery<T> of(Mutiny.Session session, String sql, Class<T> type) {
        return (Mutiny.SelectionQuery<T>) (Mutiny.SelectionQuery<?>) session.createNativeQuery(sql, Object.class);
    }
}
