package io.clp.dsp;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * One object of an account's hierarchy, mapped onto CLP's levels.
 *
 * @param parentExternalId the DSP id of the parent (null for a campaign)
 * @param nativeStatus     the DSP's own status value, kept for display
 * @param budget           budget in the account currency, null when the DSP has none at this level (or it is in impressions)
 * @param budgetType       {@code lifetime}, {@code daily} or {@code impressions}
 * @param startDate        first day of the flight in the account's time zone
 * @param endDate          last day of the flight (inclusive) in the account's time zone
 * @param pacing           pacing settings as the DSP names them ({@code period}, {@code type}, {@code dailyMax}, ...)
 * @param updatedAt        the DSP's last-modified time, null where the DSP has none
 * @param attributes       further fields kept as they came (line item type, creative dimensions, ...)
 */
public record DspEntity(
        EntityLevel level,
        String externalId,
        String parentExternalId,
        String name,
        EntityStatus status,
        String nativeStatus,
        Money budget,
        String budgetType,
        LocalDate startDate,
        LocalDate endDate,
        Map<String, Object> pacing,
        List<String> labels,
        String advertiserId,
        String advertiserName,
        Instant updatedAt,
        Map<String, Object> attributes) {

    public DspEntity {
        pacing = pacing == null ? Map.of() : pacing;
        labels = labels == null ? List.of() : List.copyOf(labels);
        attributes = attributes == null ? Map.of() : attributes;
    }
}
