package io.clp.identity.model;

import io.clp.platform.problem.Problems;

import java.util.Arrays;

/** The database enum {@code entity_type}: the kinds of entity a grant can name; constant names equal its labels. */
public enum EntityType {
    campaign, insertion_order, line_item, creative, template, pipeline, rule, dsp_account, client;

    /** Parses a query parameter; an unknown type is a 400 naming the parameter. */
    public static EntityType parse(String value) {
        return Arrays.stream(values()).filter(t -> t.name().equals(value)).findFirst()
                .orElseThrow(() -> Problems.validation("entityType", "must be one of " + Arrays.toString(values())));
    }
}
