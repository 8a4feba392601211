package io.clp.platform.retention;

import java.time.Duration;

/**
 * A table whose rows {@link PlatformTablesPruner} deletes once they are older than {@code retention}:
 * {@code key} names the primary key column(s), {@code timeColumn} the row's age. A service adds its
 * own by producing a bean of this type.
 */
public record PrunedTable(String table, String key, String timeColumn, Duration retention) {

    String deleteBatch() {
        return "DELETE FROM " + table + " WHERE (" + key + ") IN (SELECT " + key + " FROM " + table
                + " WHERE " + timeColumn + " < ?1 ORDER BY " + timeColumn + " LIMIT ?2)";
    }
}
