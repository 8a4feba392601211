package io.clp.campaign.hierarchy;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.util.UUID;

/** The level below a campaign (DV360 IO, TTD ad group, Meta ad set, Amazon order, Google Ads ad group). */
@Entity(name = "HierarchyInsertionOrder")
@Table(name = "insertion_orders")
public class InsertionOrder extends BudgetedEntity {

    public static final String ENTITY_TYPE = "insertion_order";

    @Column(name = "campaign_id")
    public UUID campaignId;

    @Column(name = "campaign_external_id", nullable = false)
    public String campaignExternalId;
}
