package io.clp.campaign.hierarchy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which KPI-sorted pages run on their generic plan: those whose filters cannot make another index the better start. */
class CampaignListPlanTest {

    private static CampaignQuery query(String dspAccountId, String advertiserId, String nameContains, String startDateFrom,
                                       String endDateTo) {
        return CampaignQuery.of(new CampaignQuery.Params(List.of("meta"), dspAccountId, List.of("active", "paused"), advertiserId,
                nameContains, startDateFrom, null, null, endDateTo, null, "month", "2026-03-01", List.of("roas:gte:0.5"), "spend",
                "desc", "50", null));
    }

    @Test
    void dspTypeStatusAndKpiThresholdsKeepTheGenericPlanAndAnyIndexPickingFilterLeavesItToPostgres() {
        assertThat(CampaignList.genericPlanFits(query(null, null, null, null, null))).isTrue();
        assertThat(CampaignList.genericPlanFits(query("7f0c1f2e-5b7a-4c51-9d6e-0d1e2f3a4b5c", null, null, null, null))).isFalse();
        assertThat(CampaignList.genericPlanFits(query(null, "adv-1", null, null, null))).isFalse();
        assertThat(CampaignList.genericPlanFits(query(null, null, "summer", null, null))).isFalse();
        assertThat(CampaignList.genericPlanFits(query(null, null, null, "2026-01-01", null))).isFalse();
        assertThat(CampaignList.genericPlanFits(query(null, null, null, null, "2026-12-31"))).isFalse();
    }
}
