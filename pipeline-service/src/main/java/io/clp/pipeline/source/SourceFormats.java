package io.clp.pipeline.source;

import java.util.List;

/** The two CSV shapes the executor reads: seed 004's daily media file, and a DSP daily report as a source writes it. */
public final class SourceFormats {

    /** Columns of the daily media file (names down the campaign > strategy > placement > creative breakdown). */
    public static final List<String> MEDIA_FILE_HEADER = List.of(
            "date", "campaign_name", "strategy_name", "placement_name", "creative_name",
            "impressions", "clicks", "ctr", "conversions", "conversion_revenue");

    /**
     * Columns of a DSP report as a DSP source writes it: one row per entity and day, the entity named by its level
     * ({@code campaign}, {@code insertion_order}, {@code line_item}, {@code creative}) and the DSP's external id;
     * money as plain decimals in {@code currency}.
     */
    public static final List<String> DSP_REPORT_HEADER = List.of(
            "date", "level", "external_id", "impressions", "clicks", "conversions", "views", "spend", "currency",
            "revenue");

    private SourceFormats() {
    }
}
