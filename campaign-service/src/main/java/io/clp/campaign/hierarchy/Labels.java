package io.clp.campaign.hierarchy;

/** The labels column's JSON text (see {@link HierarchyEntity#labels}) as the views show it: an array, even when none are kept. */
final class Labels {

    private Labels() {
    }

    static String json(String text) {
        return text == null ? "[]" : text;
    }
}
