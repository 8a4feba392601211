package io.clp.campaign.client;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the clients API answers. Amounts are exact decimal strings. */
public final class ClientViews {

    private ClientViews() {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ClientView(UUID id, String name, String status, String currency, Instant createdAt, Instant updatedAt) {

        static ClientView of(Client c) {
            return new ClientView(c.id, c.name, c.status, c.currency, c.createdAt, c.updatedAt);
        }
    }

    /** A link from the client to a DSP advertiser ({@code advertiserId} null: the whole account), with its campaigns now. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record AdvertiserView(UUID id, UUID dspAccountId, String dspType, String advertiserId, long campaigns, Instant createdAt) {
    }

    /** A CPM rate: it applies from {@code effectiveDate} until the day before the next rate's. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record CpmRateView(String effectiveDate, String until, String cpm, String currency, Instant updatedAt) {
    }

    /** What a change of links or rates recomputed: metric rows (every level) whose client or billed spend changed. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Recomputed(long rows, long campaigns, String from, String to) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record AdvertiserLinked(AdvertiserView advertiser, Recomputed recomputed) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record CpmRateSet(CpmRateView rate, Recomputed recomputed) {
    }

    public record Rates(List<CpmRateView> items) {
    }

    public record Advertisers(List<AdvertiserView> items) {
    }
}
