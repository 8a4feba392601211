package io.clp.launcher;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of a {@code ./clp bench} command: {@code --name N} options that take a positive number, and
 * {@code --flag}s. An unknown option, a missing or non-positive number is refused with the command's usage.
 */
final class BenchOptions {

    private final Map<String, Long> numbers = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private BenchOptions() {
    }

    /**
     * @param numbered the options that take a positive number
     * @param flagged  the options that take none
     * @param usage    the options as the refusal lists them
     */
    static BenchOptions parse(List<String> args, Set<String> numbered, Set<String> flagged, String usage) {
        BenchOptions options = new BenchOptions();
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (flagged.contains(option)) {
                options.flags.add(option);
            } else if (numbered.contains(option)) {
                options.numbers.put(option, positive(option, i + 1 < args.size() ? args.get(i + 1) : null));
                i++;
            } else {
                throw new StackException("unknown option " + option + " (options: " + usage + ")");
            }
        }
        return options;
    }

    long number(String option, long fallback) {
        return numbers.getOrDefault(option, fallback);
    }

    /** The option's number, which must fit an int. */
    int integer(String option, int fallback) {
        long n = number(option, fallback);
        if (n > Integer.MAX_VALUE) {
            throw new StackException(option + " needs a positive number up to " + Integer.MAX_VALUE);
        }
        return (int) n;
    }

    boolean flag(String option) {
        return flags.contains(option);
    }

    private static long positive(String option, String value) {
        try {
            long n = Long.parseLong(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        throw new StackException(option + " needs a positive number");
    }
}
