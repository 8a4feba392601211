package io.clp.platform.pagination;

import java.util.List;
import java.util.function.Function;

/** One page of a list: the items and, when more follow, the cursor that fetches the next page. */
public record Page<T>(List<T> items, String nextCursor) {

    /**
     * Builds a page from {@code limit + 1} fetched rows: the extra row only tells that another page
     * exists, and the cursor points after the last row returned.
     */
    public static <E, T> Page<T> of(List<E> fetched, int limit, Function<E, Cursor> position, Function<E, T> view) {
        boolean more = fetched.size() > limit;
        List<E> rows = more ? fetched.subList(0, limit) : fetched;
        String next = more ? position.apply(rows.get(rows.size() - 1)).encode() : null;
        return new Page<>(rows.stream().map(view).toList(), next);
    }
}
