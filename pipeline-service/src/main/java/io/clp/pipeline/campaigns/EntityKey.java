package io.clp.pipeline.campaigns;

/** What a source row names its entity by. */
public sealed interface EntityKey {

    /** A DSP report's row: the entity's level ({@code campaign}, {@code insertion_order}, {@code line_item}, {@code creative}) and external id. */
    record ByExternalId(String level, String externalId) implements EntityKey {
    }

    /**
     * A daily file's row: names down the breakdown, campaign > insertion order (strategy) > line item (placement) >
     * creative; the deepest non-null name is the row's entity.
     */
    record ByNames(String campaign, String insertionOrder, String lineItem, String creative) implements EntityKey {
    }
}
