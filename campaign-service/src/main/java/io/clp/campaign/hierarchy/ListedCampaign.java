package io.clp.campaign.hierarchy;

/** A campaign of a list page, with its totals over the period the list was asked for (null without one). */
record ListedCampaign(Campaign campaign, PeriodMetrics metrics) {
}
