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
final class Re2jRegularExpressions implements RegularExpressionFactory {

    static final Re2jRegularExpressions INSTANCE = new Re2jRegularExpressions();

    private Re2jRegularExpressions() {
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return value -> pattern.matcher(value).find();
    }

    /** Why RE2J cannot compile {@code regex}, or null when it can. */
    static String problem(String regex) {
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
