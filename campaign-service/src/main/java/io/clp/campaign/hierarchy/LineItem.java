package io.clp.campaign.hierarchy;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.util.UUID;

/** The level below an insertion order, where buying happens. */
@Entity(name = "HierarchyLineItem")
@Table(name = "line_items")
public class LineItem extends BudgetedEntity {

    public static final String ENTITY_TYPE = "line_item";

    @Column(name = "insertion_order_id")
    public UUID insertionOrderId;

    @Column(name = "insertion_order_external_id", nullable = false)
    public String insertionOrderExternalId;

    @Column(name = "campaign_id")
    public UUID campaignId;
}
