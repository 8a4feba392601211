package io.clp.campaign.query;

import java.time.Instant;
import java.time.OffsetDateTime;

/** Values of native query columns, whichever Java type the driver hands them over as. */
public final class ColumnValues {

    private ColumnValues() {
    }

    /** A {@code timestamptz} column's value, or null. */
    public static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        return value instanceof java.sql.Timestamp t ? t.toInstant() : null;
    }
}
