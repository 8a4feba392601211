package io.clp.campaign.pacing;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the pacing API answers. Amounts and rates are exact decimal strings; null where undefined. */
public final class PacingViews {

    private PacingViews() {
    }

    public record Current(UUID campaignId, List<Snapshot> entities) {
    }

    public record History(UUID campaignId, String level, UUID entityId, List<Snapshot> snapshots) {
    }

    /**
     * One entity's pacing at {@code snapshotAt}: {@code asOf} is the day counted as today in its account's time zone;
     * {@code unit} money (amounts in {@code currency}) or impressions; {@code pacingRate} 1 on pace;
     * {@code billedAmount} (in {@code billedCurrency}, the client's), {@code margin} (billed less the media spend of the
     * days billed) and {@code marginPercent} from the client's billed spend.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Snapshot(String level, UUID entityId, Instant snapshotAt, String asOf, String unit, String currency,
                           String budgetType, String flightStart, String flightEnd, String bookedAmount, String deliveredAmount,
                           int flightDays, int daysElapsed, int daysRemaining, String pacingRate, String projectedAmount,
                           String billedAmount, String billedCurrency, String margin, String marginPercent, String trigger) {
    }
}
