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
        return of(fetched, limit, (E last) -> position.apply(last).encode()).map(view);
    }

    /**
     * The page of the fetched rows themselves, for a list whose cursor is not a {@link Cursor}: at most {@code limit}
     * of the {@code limit + 1} fetched, the extra row only telling that another page exists, and {@code cursor}'s
     * encoding of the last row kept as the next cursor (asked only then; null on the last page).
     */
    public static <E> Page<E> of(List<E> fetched, int limit, Function<E, String> cursor) {
        boolean more = fetched.size() > limit;
        List<E> rows = more ? fetched.subList(0, limit) : fetched;
        return new Page<>(rows, more ? cursor.apply(rows.get(rows.size() - 1)) : null);
    }

    /** The same page with each item seen through {@code view}. */
    public <U> Page<U> map(Function<T, U> view) {
        return new Page<>(items.stream().map(view).toList(), nextCursor);
    }
}
