package io.clp.pipeline.source;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.clp.platform.messaging.Failures;

import java.util.function.Predicate;

/**
 * A pipeline's {@code filenamePattern}: a file name glob ({@code *}, {@code ?}, {@code [abc]}, {@code [!a-z]},
 * {@code {csv,txt}}), matched in linear time. The glob is the user's, so it is compiled to an RE2J pattern, never to a
 * backtracking {@link java.util.regex.Pattern} (as the JDK's glob {@code PathMatcher} does), where a glob such as
 * {@code *a*a*a*a*a*a*b} against a long name of {@code a}s would hold a worker for good.
 */
public final class Globs {

    /** The longest glob a pipeline may give. */
    public static final int MAX_LENGTH = 200;

    private Globs() {
    }

    /** A matcher of whole file names; a glob that is too long, has a {@code /} or does not parse is refused for good. */
    public static Predicate<String> fileNames(String glob) {
        if (glob.length() > MAX_LENGTH || glob.indexOf('/') >= 0 || glob.indexOf('\\') >= 0) {
            throw new Failures.Permanent("filenamePattern must be a file name glob without '/' or '\\', of at most "
                    + MAX_LENGTH + " characters");
        }
        StringBuilder regex = new StringBuilder();
        int braces = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '[' -> {
                    int end = glob.indexOf(']', i + 2);
                    if (end < 0) {
                        throw new Failures.Permanent("filenamePattern is not a valid glob: an unclosed [");
                    }
                    String set = glob.substring(i + 1, end);
                    regex.append('[');
                    if (set.startsWith("!")) {
                        regex.append('^');
                        set = set.substring(1);
                    }
                    for (char s : set.toCharArray()) {
                        if (s == '\\' || s == '[' || s == ']' || s == '^' || s == '&' || s == '~') {
                            regex.append('\\');
                        }
                        regex.append(s);
                    }
                    regex.append(']');
                    i = end;
                }
                case '{' -> {
                    braces++;
                    regex.append("(?:");
                }
                case '}' -> {
                    if (braces == 0) {
                        throw new Failures.Permanent("filenamePattern is not a valid glob: an unopened }");
                    }
                    braces--;
                    regex.append(')');
                }
                case ',' -> regex.append(braces > 0 ? "|" : ",");
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (braces != 0) {
            throw new Failures.Permanent("filenamePattern is not a valid glob: an unclosed {");
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex.toString(), Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            throw new Failures.Permanent("filenamePattern is not a valid glob: " + e.getDescription());
        }
        return name -> pattern.matches(name);
    }
}
