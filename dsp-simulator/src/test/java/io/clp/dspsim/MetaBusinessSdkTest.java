package io.clp.dspsim;

import com.facebook.ads.sdk.APIContext;
import com.facebook.ads.sdk.APIException;
import com.facebook.ads.sdk.APINodeList;
import com.facebook.ads.sdk.Ad;
import com.facebook.ads.sdk.AdAccount;
import com.facebook.ads.sdk.AdReportRun;
import com.facebook.ads.sdk.AdSet;
import com.facebook.ads.sdk.AdsInsights;
import com.facebook.ads.sdk.Campaign;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Meta's Java business SDK, given the simulator's base URL as its endpoint base and the simulator's access token, reads
 * an ad account's hierarchy with its own paging. The SDK opens every call as an {@code HttpsURLConnection}, so the
 * simulator serves HTTPS here, with a throwaway certificate this JVM is told to trust.
 */
class MetaBusinessSdkTest {

    static DspSimulator simulator;
    static APIContext context;
    static SSLSocketFactory previousFactory;

    @BeforeAll
    static void start() throws Exception {
        TestTls tls = TestTls.create();
        simulator = DspSimulator.start("127.0.0.1", 0, Catalog.standard(17L), tls.server());
        previousFactory = HttpsURLConnection.getDefaultSSLSocketFactory();
        HttpsURLConnection.setDefaultSSLSocketFactory(tls.client().getSocketFactory());
        // endpoint base, video endpoint base, API version, access token, app secret, app id, crash reports off
        context = new APIContext(simulator.baseUrl("/meta"), simulator.baseUrl("/meta"), "v24.0", Catalog.META_TOKEN,
                null, null, false);
    }

    @AfterAll
    static void stop() {
        HttpsURLConnection.setDefaultSSLSocketFactory(previousFactory);
        simulator.close();
    }

    @AfterEach
    void disarm() {
        simulator.simulation().faults().clear();
    }

    static long visible(SimAccount account, int level) {
        return account.entities(level).stream().filter(e -> !e.removed()).count();
    }

    @Test
    void theSdksAutoPaginationReadsEveryCampaignAdSetAndAdOfTheAccount() throws Exception {
        SimAccount account = simulator.simulation().catalog().account("meta", "act_2000001").orElseThrow();
        AdAccount adAccount = new AdAccount("act_2000001", context);

        List<String> campaigns = new ArrayList<>();
        adAccount.getCampaigns().requestNameField().requestStatusField().requestUpdatedTimeField()
                .setParam("limit", 9).execute().withAutoPaginationIterator(true).forEach(c -> campaigns.add(c.getId()));
        List<String> adSets = new ArrayList<>();
        adAccount.getAdSets().requestCampaignIdField().setParam("limit", 25).execute().withAutoPaginationIterator(true)
                .forEach(s -> adSets.add(s.getId()));
        List<String> ads = new ArrayList<>();
        adAccount.getAds().requestAdsetIdField().requestCampaignIdField().setParam("limit", 100).execute()
                .withAutoPaginationIterator(true).forEach(a -> ads.add(a.getId()));

        assertThat(campaigns).hasSize((int) visible(account, SimEntity.CAMPAIGN)).doesNotHaveDuplicates()
                .startsWith(account.entity(SimEntity.CAMPAIGN, 0).id());
        assertThat(adSets).hasSize((int) visible(account, SimEntity.INSERTION_ORDER)).doesNotHaveDuplicates();
        assertThat(ads).hasSize((int) visible(account, SimEntity.LINE_ITEM)).doesNotHaveDuplicates();
    }

    @Test
    void nextPageFollowsTheAbsolutePagingNextUrlUntilThereIsNone() throws Exception {
        SimAccount account = simulator.simulation().catalog().account("meta", "act_2000001").orElseThrow();
        APINodeList<AdSet> page = new AdAccount("act_2000001", context).getAdSets()
                .requestCampaignIdField().requestDailyBudgetField().requestLifetimeBudgetField().requestStatusField()
                .setParam("limit", 30).execute();
        JsonObject firstPaging = page.getRawResponseAsJsonObject().getAsJsonObject("paging");

        List<AdSet> all = new ArrayList<>();
        List<Integer> pages = new ArrayList<>();
        JsonObject lastPaging = firstPaging;
        while (page != null) {
            pages.add(page.size());
            all.addAll(page);
            if (!page.isEmpty()) {
                lastPaging = page.getRawResponseAsJsonObject().getAsJsonObject("paging");
            }
            // with no paging.next the SDK still asks once with the after cursor; the empty answer ends the loop
            page = page.nextPage();
        }

        assertThat(firstPaging.get("next").getAsString()).startsWith(simulator.baseUrl("/meta/v24.0/act_2000001/adsets?"));
        long expected = visible(account, SimEntity.INSERTION_ORDER);
        assertThat(all).hasSize((int) expected);
        assertThat(pages).containsExactly(30, 30, (int) expected - 60, 0);
        assertThat(lastPaging.has("next")).isFalse();
        SimEntity first = account.entity(SimEntity.INSERTION_ORDER, 0);
        assertThat(all.getFirst().getFieldCampaignId()).isEqualTo(first.parentId());
        assertThat(all.getFirst().getFieldStatus()).isNotNull();
        assertThat(all.getFirst().getFieldDailyBudget() != null || all.getFirst().getFieldLifetimeBudget() != null).isTrue();
    }

    @Test
    void anAdsCreativeParsesIntoTheSdksAdCreative() throws Exception {
        Ad ad = new AdAccount("act_2000002", context).getAds().requestCreativeField().requestAdsetIdField()
                .setParam("limit", 1).execute().getFirst();
        Campaign campaign = new AdAccount("act_2000002", context).getCampaigns().requestLifetimeBudgetField()
                .requestDailyBudgetField().requestStatusField().setParam("limit", 1).execute().getFirst();

        assertThat(ad.getFieldCreative().getId()).isNotBlank();
        assertThat(ad.getFieldAdsetId()).isNotBlank();
        assertThat(campaign.getFieldStatus()).isNotNull();
    }

    @Test
    void theSdksAsyncInsightsFlowPostsAJobPollsItToCompletionAndPagesItsRows() throws Exception {
        SimAccount account = simulator.simulation().catalog().account("meta", "act_2000001").orElseThrow();
        LocalDate since = LocalDate.of(2026, 3, 1);

        // the SDK posts multipart/form-data with the access token in the body
        AdReportRun run = new AdAccount("act_2000001", context).getInsightsAsync()
                .setLevel(AdsInsights.EnumLevel.VALUE_AD).setTimeIncrement("1")
                .setTimeRange("{\"since\":\"2026-03-01\",\"until\":\"2026-03-02\"}")
                .requestField("ad_id").requestField("impressions").requestField("clicks").requestField("spend")
                .execute();
        List<String> states = new ArrayList<>();
        for (int polls = 0; polls < 10 && !"Job Completed".equals(run.getFieldAsyncStatus()); polls++) {
            run.fetch();
            states.add(run.getFieldAsyncStatus());
        }
        Map<String, AdsInsights> rows = new HashMap<>();
        run.getInsights().setParam("limit", 50).execute().withAutoPaginationIterator(true)
                .forEach(r -> rows.put(r.getFieldAdId() + "|" + r.getFieldDateStart(), r));

        assertThat(run.getId()).isNotBlank();
        assertThat(states).endsWith("Job Completed");
        assertThat(run.getFieldAsyncPercentCompletion()).isEqualTo(100L);
        long ads = visible(account, SimEntity.LINE_ITEM);
        assertThat(rows).hasSize((int) ads * 2);
        SimEntity ad = account.entity(SimEntity.LINE_ITEM, 3);
        SimAccount.Delivery d = account.delivery(SimEntity.LINE_ITEM, 3, since);
        AdsInsights row = rows.get(ad.id() + "|" + since);
        assertThat(row.getFieldImpressions()).isEqualTo(String.valueOf(d.impressions()));
        assertThat(row.getFieldClicks()).isEqualTo(String.valueOf(d.clicks()));
        assertThat(new java.math.BigDecimal(row.getFieldSpend())).isEqualByComparingTo(d.spend());
    }

    @Test
    void anUnknownAdAccountIsAnApiExceptionWithGraphErrorCode100() {
        assertThatThrownBy(() -> new AdAccount("act_2999999", context).getCampaigns().execute())
                .isInstanceOfSatisfying(APIException.class, e -> {
                    JsonObject error = e.getRawResponseAsJsonObject().getAsJsonObject("error");
                    assertThat(error.get("code").getAsInt()).isEqualTo(100);
                    assertThat(error.get("error_subcode").getAsInt()).isEqualTo(33);
                    assertThat(error.get("type").getAsString()).isEqualTo("GraphMethodException");
                });
    }

    @Test
    void aThrottleIsCode17WithTheBusinessUseCaseUsageHeader() {
        simulator.simulation().faults().arm("meta", "act_2000001", new Fault(Fault.Type.THROTTLE, 1, 120, 0));

        assertThatThrownBy(() -> new AdAccount("act_2000001", context).getCampaigns().execute())
                .isInstanceOfSatisfying(APIException.class, e -> {
                    assertThat(e.getRawResponseAsJsonObject().getAsJsonObject("error").get("code").getAsInt()).isEqualTo(17);
                    assertThat(e.getHeader()).containsIgnoringCase("X-Business-Use-Case-Usage")
                            .contains("estimated_time_to_regain_access");
                });
    }

    @Test
    void aWrongAccessTokenIsCode190() {
        APIContext forged = new APIContext(simulator.baseUrl("/meta"), simulator.baseUrl("/meta"), "v24.0", "forged-token",
                null, null, false);

        assertThatThrownBy(() -> new AdAccount("act_2000001", forged).getCampaigns().execute())
                .isInstanceOfSatisfying(APIException.class, e ->
                        assertThat(e.getRawResponseAsJsonObject().getAsJsonObject("error").get("code").getAsInt()).isEqualTo(190));
    }
}
