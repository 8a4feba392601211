package io.clp.platform.pagination;

import io.clp.platform.problem.Problems;

import java.util.Optional;

/** Validated paging parameters: {@code limit} 1..200 (default 50) and an optional cursor. */
public record PageRequest(int limit, Optional<Cursor> after) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    public static PageRequest of(Integer limit, String cursor) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw Problems.validation("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return new PageRequest(size, cursor == null || cursor.isBlank() ? Optional.empty() : Optional.of(Cursor.decode(cursor)));
    }
}
