package io.clp.campaign.hierarchy;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;

import java.util.UUID;

/** A creative and the line item the DSP assigns it to (none for an unassigned advertiser-level creative). */
@Entity(name = "HierarchyCreative")
@Table(name = "creatives")
public class Creative extends HierarchyEntity {

    public static final String ENTITY_TYPE = "creative";

    @Column(name = "line_item_id")
    public UUID lineItemId;

    @Column(name = "line_item_external_id")
    public String lineItemExternalId;

    @Column(name = "campaign_id")
    public UUID campaignId;

    /** The insertion order of its line item, when one is needed for an access check (not a column). */
    @Transient
    public UUID insertionOrderId;
}
