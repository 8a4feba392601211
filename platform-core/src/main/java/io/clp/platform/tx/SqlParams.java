package io.clp.platform.tx;

import java.util.ArrayList;
import java.util.List;

/**
 * The values of a statement's placeholders ({@code $1}, {@code $2}, ...) as the statement is written: {@link #bind}
 * adds a value and returns its placeholder, to be written into the SQL where the value goes (and reused where it goes
 * again). For {@link SessionSql}. Values are never written into the SQL text: each shape of a statement is one text
 * to prepare, whatever its values.
 */
public final class SqlParams {

    private final List<Object> values;

    public SqlParams() {
        this(new ArrayList<>());
    }

    private SqlParams(List<Object> values) {
        this.values = values;
    }

    /** Binds the value to the next placeholder, and returns it. */
    public String bind(Object value) {
        values.add(value);
        return "$" + values.size();
    }

    /** The values bound so far, to go on with independently (one statement's text continued two ways). */
    public SqlParams copy() {
        return new SqlParams(new ArrayList<>(values));
    }

    /** The values, in their placeholders' order. */
    public Object[] values() {
        return values.toArray();
    }
}
