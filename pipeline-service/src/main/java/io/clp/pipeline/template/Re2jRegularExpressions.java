package io.clp.pipeline.template;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;

/**
 * A schema's {@code pattern} and {@code patternProperties} evaluated with RE2J: matching takes time linear in the
 * input, whatever the pattern (no catastrophic backtracking). RE2J refuses what cannot be matched in linear time
 * (backreferences, lookaround); {@link #problem} says so when a schema is checked, so a stored schema always compiles.
 * Like the JSON Schema specification asks, a pattern is not anchored: it matches when found anywhere in the string.
 */
public final class Re2jRegularExpressions implements RegularExpressionFactory {

    static final Re2jRegularExpressions INSTANCE = new Re2jRegularExpressions();

    private Re2jRegularExpressions() {
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return value -> pattern.matcher(value).find();
    }

    /** The longest pattern a schema may hold. */
    static final int MAX_LENGTH = 1_000;
    /**
     * The most a pattern's counted repetitions ({@code {n}}, {@code {n,}}, {@code {n,m}}) may multiply to. RE2J copies a
     * counted repetition out when it compiles, so {@code ((a{1000}){1000}){1000}} would compile to a billion
     * instructions: the product of every bound (taken as if all were nested) stays at most this.
     */
    static final long MAX_REPETITION = 10_000;

    private static final java.util.regex.Pattern COUNTED = java.util.regex.Pattern.compile("(?<!\\\\)\\{(\\d+)(?:,(\\d*))?}");

    /**
     * Why RE2J cannot compile {@code regex} within the limits, or null when it can: for every pattern a user gives
     * (input schemas, data-quality name checks).
     */
    public static String problem(String regex) {
        if (regex.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        long product = 1;
        java.util.regex.Matcher counted = COUNTED.matcher(regex);
        while (counted.find()) {
            String upper = counted.group(2);
            String bound = upper == null || upper.isEmpty() ? counted.group(1) : upper;
            long n = bound.length() > 6 ? Long.MAX_VALUE : Math.max(1, Long.parseLong(bound));
            product = n > MAX_REPETITION ? Long.MAX_VALUE : Math.min(Long.MAX_VALUE / MAX_REPETITION, product * n);
            if (product > MAX_REPETITION) {
                return "repeats too much: its counted repetitions may multiply to at most " + MAX_REPETITION;
            }
        }
        try {
            Pattern.compile(regex);
            return null;
        } catch (PatternSyntaxException e) {
            return "is not a supported regular expression (RE2 syntax: no backreferences or lookaround): " + e.getDescription();
        } catch (RuntimeException e) {
            return "is not a supported regular expression (RE2 syntax: no backreferences or lookaround)";
        }
    }
}
