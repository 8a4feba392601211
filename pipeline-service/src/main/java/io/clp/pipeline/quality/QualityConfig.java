package io.clp.pipeline.quality;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An execution's {@code config.quality}, read leniently: a check's settings that are missing take their default, and
 * settings that are invalid (a wrong type, a value out of range, an unknown severity) take their default too and are
 * noted in the check's stored details, so a hand-edited config never stops an execution by itself.
 *
 * <pre>
 * "quality": {
 *   "enabled": true,                                  // false: no check runs
 *   "&lt;check&gt;": false,                                 // shorthand for {"enabled": false}
 *   "&lt;check&gt;": {"enabled": true, "severity": "warn" | "block", "tolerance": 0.0, ...thresholds}
 * }
 * </pre>
 */
final class QualityConfig {

    enum Severity {
        WARN, BLOCK;

        String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final JsonNode quality;
    private final boolean enabled;
    private final List<String> globalNotes = new ArrayList<>();

    QualityConfig(JsonNode config) {
        JsonNode node = config == null ? null : config.path("quality");
        if (node == null || node.isMissingNode() || node.isNull()) {
            quality = null;
        } else if (!node.isObject()) {
            quality = null;
            globalNotes.add("quality is not an object: defaults used");
        } else {
            quality = node;
        }
        JsonNode on = quality == null ? null : quality.get("enabled");
        if (on != null && !on.isBoolean()) {
            globalNotes.add("quality.enabled is not a boolean: checks run");
        }
        enabled = on == null || !on.isBoolean() || on.booleanValue();
    }

    boolean enabled() {
        return enabled;
    }

    /** The settings of one check, with its default severity. */
    Check check(String name, Severity defaultSeverity) {
        return check(name, defaultSeverity, true);
    }

    /** The settings of one check, with its default severity, on or off when the config does not say. */
    Check check(String name, Severity defaultSeverity, boolean enabledByDefault) {
        return new Check(name, quality == null ? null : quality.get(name), defaultSeverity, globalNotes, enabledByDefault);
    }

    static final class Check {
        final String name;
        private final JsonNode node;
        final boolean enabled;
        final Severity severity;
        final double tolerance;
        final List<String> notes;

        Check(String name, JsonNode raw, Severity defaultSeverity, List<String> inherited, boolean enabledByDefault) {
            this.name = name;
            this.notes = new ArrayList<>(inherited);
            boolean on = enabledByDefault;
            JsonNode object = null;
            if (raw == null || raw.isNull()) {
                // defaults
            } else if (raw.isBoolean()) {
                on = raw.booleanValue();
            } else if (raw.isObject()) {
                object = raw;
                JsonNode e = raw.get("enabled");
                if (e != null && !e.isBoolean()) {
                    notes.add("enabled is not a boolean: the check runs");
                    on = true;
                } else if (e != null) {
                    on = e.booleanValue();
                } else {
                    on = true; // an object of settings turns the check on
                }
            } else {
                notes.add("the check's settings are not an object: defaults used");
            }
            this.node = object;
            this.enabled = on;
            Severity s = defaultSeverity;
            JsonNode sev = object == null ? null : object.get("severity");
            if (sev != null) {
                if (sev.isTextual() && (sev.textValue().equals("warn") || sev.textValue().equals("block"))) {
                    s = Severity.valueOf(sev.textValue().toUpperCase(java.util.Locale.ROOT));
                } else {
                    notes.add("severity must be \"warn\" or \"block\": " + defaultSeverity.value() + " used");
                }
            }
            this.severity = s;
            this.tolerance = number("tolerance", 0, 0, 1);
        }

        /** A number setting within [min, max], or its default (noted) when absent or invalid. */
        double number(String key, double defaultValue, double min, double max) {
            JsonNode v = node == null ? null : node.get(key);
            if (v == null || v.isNull()) {
                return defaultValue;
            }
            if (v.isNumber() && Double.isFinite(v.doubleValue()) && v.doubleValue() >= min && v.doubleValue() <= max) {
                return v.doubleValue();
            }
            notes.add(key + " must be a number from " + trim(min) + " to " + trim(max) + ": " + trim(defaultValue) + " used");
            return defaultValue;
        }

        int integer(String key, int defaultValue, int min, int max) {
            JsonNode v = node == null ? null : node.get(key);
            if (v == null || v.isNull()) {
                return defaultValue;
            }
            if (v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= min && v.intValue() <= max) {
                return v.intValue();
            }
            notes.add(key + " must be an integer from " + min + " to " + max + ": " + defaultValue + " used");
            return defaultValue;
        }

        boolean flag(String key, boolean defaultValue) {
            JsonNode v = node == null ? null : node.get(key);
            if (v == null || v.isNull()) {
                return defaultValue;
            }
            if (v.isBoolean()) {
                return v.booleanValue();
            }
            notes.add(key + " must be a boolean: " + defaultValue + " used");
            return defaultValue;
        }

        /** A list of strings each among {@code allowed}, or the default (noted) when absent or invalid. */
        List<String> strings(String key, List<String> defaultValue, java.util.Set<String> allowed) {
            JsonNode v = node == null ? null : node.get(key);
            if (v == null || v.isNull()) {
                return defaultValue;
            }
            if (v.isArray() && !v.isEmpty()) {
                List<String> out = new ArrayList<>();
                for (JsonNode item : v) {
                    if (!item.isTextual() || !allowed.contains(item.textValue())) {
                        notes.add(key + " may only name " + new java.util.TreeSet<>(allowed) + ": the default used");
                        return defaultValue;
                    }
                    if (!out.contains(item.textValue())) {
                        out.add(item.textValue());
                    }
                }
                return out;
            }
            notes.add(key + " must be a non-empty array: the default used");
            return defaultValue;
        }

        /** A string setting among {@code allowed}, or its default (noted) when absent or invalid. */
        String choice(String key, String defaultValue, List<String> allowed) {
            JsonNode v = node == null ? null : node.get(key);
            if (v == null || v.isNull()) {
                return defaultValue;
            }
            if (v.isTextual() && allowed.contains(v.textValue())) {
                return v.textValue();
            }
            notes.add(key + " must be one of " + allowed + ": " + defaultValue + " used");
            return defaultValue;
        }

        /** An object of strings keyed by {@code allowed} keys; invalid entries are dropped (noted). */
        Map<String, String> stringMap(String key, java.util.Set<String> allowed) {
            JsonNode v = node == null ? null : node.get(key);
            Map<String, String> out = new java.util.LinkedHashMap<>();
            if (v == null || v.isNull()) {
                return out;
            }
            if (!v.isObject()) {
                notes.add(key + " must be an object: ignored");
                return out;
            }
            v.fields().forEachRemaining(e -> {
                if (!allowed.contains(e.getKey())) {
                    notes.add(key + "." + e.getKey() + " is not one of " + new java.util.TreeSet<>(allowed) + ": ignored");
                } else if (!e.getValue().isTextual()) {
                    notes.add(key + "." + e.getKey() + " must be a string: ignored");
                } else {
                    out.put(e.getKey(), e.getValue().textValue());
                }
            });
            return out;
        }

        private static String trim(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
