package io.clp.dspsim;

import com.google.api.client.googleapis.services.json.AbstractGoogleJsonClient;
import com.google.api.client.googleapis.services.json.AbstractGoogleJsonClientRequest;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.GenericJson;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.JsonString;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.util.Key;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.UserCredentials;

import java.net.URI;
import java.util.List;

/**
 * Display &amp; Video 360 v4 and Bid Manager v2 as Google's Java API client sees them.
 * <p>
 * The generated service artifacts ({@code google-api-services-displayvideo}, {@code -doubleclickbidmanager}) are not
 * served by the package registry this build reaches, so the few request and model classes used here are declared the
 * way the generator declares them from the APIs' discovery documents (REST path templates, parameter names, and
 * int64 fields as {@code @JsonString Long}). Everything else is Google's own runtime, unchanged: URL building from
 * {@code rootUrl}, JSON parsing into typed models, {@code GoogleJsonResponseException} for error bodies, and
 * google-auth-library's OAuth2 refresh (including the refresh-and-retry on a 401).
 */
final class GoogleApiClients {

    static final JsonFactory JSON = GsonFactory.getDefaultInstance();
    static final HttpTransport TRANSPORT = new NetHttpTransport();

    private GoogleApiClients() {
    }

    /** A user's OAuth2 credentials refreshed at the simulator's Google token endpoint: the only auth setting changed. */
    static UserCredentials credentials(DspSimulator simulator) {
        return UserCredentials.newBuilder()
                .setClientId(Catalog.CLIENT_ID)
                .setClientSecret(Catalog.CLIENT_SECRET)
                .setRefreshToken(Catalog.REFRESH_TOKEN)
                .setTokenServerUri(URI.create(simulator.baseUrl("/google-oauth/token")))
                .build();
    }

    /** An access token for the simulator's Google APIs, refreshed by google-auth-library as a client would. */
    static String accessToken(DspSimulator simulator) throws java.io.IOException {
        return credentials(simulator).refreshAccessToken().getTokenValue();
    }

    static DisplayVideo displayVideo(DspSimulator simulator, UserCredentials credentials) {
        return new DisplayVideo(TRANSPORT, JSON, simulator.baseUrl("/dv360/"), new HttpCredentialsAdapter(credentials));
    }

    static BidManager bidManager(DspSimulator simulator, UserCredentials credentials) {
        return new BidManager(TRANSPORT, JSON, simulator.baseUrl("/bidmanager/"), new HttpCredentialsAdapter(credentials));
    }

    private static final class ClientBuilder extends AbstractGoogleJsonClient.Builder {
        ClientBuilder(HttpTransport transport, JsonFactory json, String rootUrl, HttpRequestInitializer initializer) {
            super(transport, json, rootUrl, "", initializer, false);
            setApplicationName("clp-dsp-simulator-fidelity-test");
        }

        @Override
        public AbstractGoogleJsonClient build() {
            throw new UnsupportedOperationException("built by the client constructors");
        }
    }

    /** Display &amp; Video 360 API v4 (default root URL {@code https://displayvideo.googleapis.com/}). */
    static final class DisplayVideo extends AbstractGoogleJsonClient {

        DisplayVideo(HttpTransport transport, JsonFactory json, String rootUrl, HttpRequestInitializer initializer) {
            super(new ClientBuilder(transport, json, rootUrl, initializer));
        }

        /** {@code advertisers.campaigns.list}, {@code .insertionOrders.list}, {@code .lineItems.list}, {@code .creatives.list}. */
        ListRequest list(long advertiserId, String collection) {
            return new ListRequest(this, advertiserId, collection);
        }

        /** {@code advertisers.get}. */
        AdvertiserGet advertiser(long advertiserId) {
            return new AdvertiserGet(this, advertiserId);
        }
    }

    static final class ListRequest extends AbstractGoogleJsonClientRequest<ListResponse> {
        @Key
        private Long advertiserId;
        @Key
        private Integer pageSize;
        @Key
        private String pageToken;
        @Key
        private String filter;
        @Key
        private String orderBy;

        ListRequest(DisplayVideo client, long advertiserId, String collection) {
            super(client, "GET", "v4/advertisers/{+advertiserId}/" + collection, null, ListResponse.class);
            this.advertiserId = advertiserId;
        }

        ListRequest setPageSize(Integer pageSize) {
            this.pageSize = pageSize;
            return this;
        }

        ListRequest setPageToken(String pageToken) {
            this.pageToken = pageToken;
            return this;
        }

        ListRequest setFilter(String filter) {
            this.filter = filter;
            return this;
        }
    }

    static final class AdvertiserGet extends AbstractGoogleJsonClientRequest<Advertiser> {
        @Key
        private Long advertiserId;

        AdvertiserGet(DisplayVideo client, long advertiserId) {
            super(client, "GET", "v4/advertisers/{+advertiserId}", null, Advertiser.class);
            this.advertiserId = advertiserId;
        }
    }

    /** The four list responses in one: each names its list field after its collection. */
    public static final class ListResponse extends GenericJson {
        @Key
        public List<Campaign> campaigns;
        @Key
        public List<InsertionOrder> insertionOrders;
        @Key
        public List<LineItem> lineItems;
        @Key
        public List<Creative> creatives;
        @Key
        public String nextPageToken;

        int entityCount() {
            return count(campaigns) + count(insertionOrders) + count(lineItems) + count(creatives);
        }

        private static int count(List<?> list) {
            return list == null ? 0 : list.size();
        }
    }

    public static final class Advertiser extends GenericJson {
        @Key
        @JsonString
        public Long advertiserId;
        @Key
        @JsonString
        public Long partnerId;
        @Key
        public String displayName;
        @Key
        public AdvertiserGeneralConfig generalConfig;
    }

    public static final class AdvertiserGeneralConfig extends GenericJson {
        @Key
        public String currencyCode;
        @Key
        public String timeZone;
        @Key
        public String domainUrl;
    }

    public static final class Campaign extends GenericJson {
        @Key
        public String name;
        @Key
        @JsonString
        public Long advertiserId;
        @Key
        @JsonString
        public Long campaignId;
        @Key
        public String displayName;
        @Key
        public String entityStatus;
        @Key
        public String updateTime;
        @Key
        public CampaignFlight campaignFlight;
    }

    public static final class CampaignFlight extends GenericJson {
        @Key
        @JsonString
        public Long plannedSpendAmountMicros;
        @Key
        public DateRange plannedDates;
    }

    public static final class InsertionOrder extends GenericJson {
        @Key
        @JsonString
        public Long campaignId;
        @Key
        @JsonString
        public Long insertionOrderId;
        @Key
        public String entityStatus;
        @Key
        public Pacing pacing;
        @Key
        public InsertionOrderBudget budget;
    }

    public static final class InsertionOrderBudget extends GenericJson {
        @Key
        public String budgetUnit;
        @Key
        public List<InsertionOrderBudgetSegment> budgetSegments;
    }

    public static final class InsertionOrderBudgetSegment extends GenericJson {
        @Key
        @JsonString
        public Long budgetAmountMicros;
        @Key
        public DateRange dateRange;
    }

    public static final class Pacing extends GenericJson {
        @Key
        public String pacingPeriod;
        @Key
        public String pacingType;
        @Key
        @JsonString
        public Long dailyMaxMicros;
    }

    public static final class LineItem extends GenericJson {
        @Key
        @JsonString
        public Long campaignId;
        @Key
        @JsonString
        public Long insertionOrderId;
        @Key
        @JsonString
        public Long lineItemId;
        @Key
        public String entityStatus;
        @Key
        public LineItemFlight flight;
        @Key
        public LineItemBudget budget;
        @Key
        @JsonString
        public List<Long> creativeIds;
    }

    public static final class LineItemFlight extends GenericJson {
        @Key
        public String flightDateType;
        @Key
        public DateRange dateRange;
    }

    public static final class LineItemBudget extends GenericJson {
        @Key
        public String budgetAllocationType;
        @Key
        public String budgetUnit;
        @Key
        @JsonString
        public Long maxAmount;
    }

    public static final class Creative extends GenericJson {
        @Key
        @JsonString
        public Long creativeId;
        @Key
        @JsonString
        public Long cmPlacementId;
        @Key
        public String creativeType;
        @Key
        public Dimensions dimensions;
        @Key
        @JsonString
        public List<Long> lineItemIds;
        @Key
        public String createTime;
    }

    public static final class Dimensions extends GenericJson {
        @Key
        public Integer widthPixels;
        @Key
        public Integer heightPixels;
    }

    public static final class DateRange extends GenericJson {
        @Key
        public Date startDate;
        @Key
        public Date endDate;
    }

    public static final class Date extends GenericJson {
        @Key
        public Integer year;
        @Key
        public Integer month;
        @Key
        public Integer day;

        static Date of(java.time.LocalDate d) {
            Date date = new Date();
            date.year = d.getYear();
            date.month = d.getMonthValue();
            date.day = d.getDayOfMonth();
            return date;
        }

        java.time.LocalDate toLocalDate() {
            return java.time.LocalDate.of(year, month, day);
        }
    }

    // --- Bid Manager v2 ------------------------------------------------------------------------------------------------

    /** DoubleClick Bid Manager API v2 (default root URL {@code https://doubleclickbidmanager.googleapis.com/}). */
    static final class BidManager extends AbstractGoogleJsonClient {

        BidManager(HttpTransport transport, JsonFactory json, String rootUrl, HttpRequestInitializer initializer) {
            super(new ClientBuilder(transport, json, rootUrl, initializer));
        }

        /** {@code queries.create}. */
        AbstractGoogleJsonClientRequest<Query> create(Query query) {
            return new AbstractGoogleJsonClientRequest<>(this, "POST", "v2/queries", query, Query.class) {
            };
        }

        /** {@code queries.run}. */
        RunRequest run(long queryId, RunQueryRequest body) {
            return new RunRequest(this, queryId, body);
        }

        /** {@code queries.reports.get}. */
        ReportGet report(long queryId, long reportId) {
            return new ReportGet(this, queryId, reportId);
        }
    }

    static final class RunRequest extends AbstractGoogleJsonClientRequest<Report> {
        @Key
        private Long queryId;
        @Key
        private Boolean synchronous;

        RunRequest(BidManager client, long queryId, RunQueryRequest body) {
            super(client, "POST", "v2/queries/{queryId}:run", body, Report.class);
            this.queryId = queryId;
        }

        RunRequest setSynchronous(Boolean synchronous) {
            this.synchronous = synchronous;
            return this;
        }
    }

    static final class ReportGet extends AbstractGoogleJsonClientRequest<Report> {
        @Key
        private Long queryId;
        @Key
        private Long reportId;

        ReportGet(BidManager client, long queryId, long reportId) {
            super(client, "GET", "v2/queries/{queryId}/reports/{reportId}", null, Report.class);
            this.queryId = queryId;
            this.reportId = reportId;
        }
    }

    public static final class Query extends GenericJson {
        @Key
        @JsonString
        public Long queryId;
        @Key
        public QueryMetadata metadata;
        @Key
        public Parameters params;
        @Key
        public QuerySchedule schedule;
    }

    public static final class QueryMetadata extends GenericJson {
        @Key
        public String title;
        @Key
        public DataRange dataRange;
        @Key
        public String format;
        @Key
        public Boolean sendNotification;
    }

    public static final class DataRange extends GenericJson {
        @Key
        public String range;
        @Key
        public Date customStartDate;
        @Key
        public Date customEndDate;
    }

    public static final class Parameters extends GenericJson {
        @Key
        public String type;
        @Key
        public List<String> groupBys;
        @Key
        public List<FilterPair> filters;
        @Key
        public List<String> metrics;
    }

    public static final class FilterPair extends GenericJson {
        @Key
        public String type;
        @Key
        public String value;

        static FilterPair of(String type, String value) {
            FilterPair f = new FilterPair();
            f.type = type;
            f.value = value;
            return f;
        }
    }

    public static final class QuerySchedule extends GenericJson {
        @Key
        public String frequency;
    }

    public static final class RunQueryRequest extends GenericJson {
        @Key
        public DataRange dataRange;
    }

    public static final class Report extends GenericJson {
        @Key
        public ReportKey key;
        @Key
        public ReportMetadata metadata;
        @Key
        public Parameters params;
    }

    public static final class ReportKey extends GenericJson {
        @Key
        @JsonString
        public Long queryId;
        @Key
        @JsonString
        public Long reportId;
    }

    public static final class ReportMetadata extends GenericJson {
        @Key
        public String googleCloudStoragePath;
        @Key
        public Date reportDataStartDate;
        @Key
        public Date reportDataEndDate;
        @Key
        public ReportStatus status;
    }

    public static final class ReportStatus extends GenericJson {
        @Key
        public String state;
        @Key
        public String finishTime;
        @Key
        public String format;
    }
}
