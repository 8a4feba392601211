package io.clp.dsp;

/**
 * CLP's four levels of a DSP's hierarchy. Each connector maps its DSP's objects onto them
 * (docs/dsp-connectors.md has the table): a campaign has insertion orders, an insertion order line items,
 * a line item creatives.
 */
public enum EntityLevel {
    CAMPAIGN, INSERTION_ORDER, LINE_ITEM, CREATIVE;

    /** The level above, or null for a campaign. */
    public EntityLevel parent() {
        return this == CAMPAIGN ? null : values()[ordinal() - 1];
    }
}
