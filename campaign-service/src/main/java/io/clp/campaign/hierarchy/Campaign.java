package io.clp.campaign.hierarchy;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A campaign as synced from its DSP, the top of the hierarchy. */
@Entity(name = "HierarchyCampaign")
@Table(name = "campaigns")
public class Campaign extends BudgetedEntity {

    public static final String ENTITY_TYPE = "campaign";

    @Column(name = "advertiser_id")
    public String advertiserId;

    @Column(name = "advertiser_name")
    public String advertiserName;
}
