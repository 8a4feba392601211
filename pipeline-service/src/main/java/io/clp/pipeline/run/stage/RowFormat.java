package io.clp.pipeline.run.stage;

import io.clp.pipeline.campaigns.EntityKey;
import io.clp.pipeline.source.SourceFormats;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Types and validates one CSV row of a source format into a {@link Row}, or says why not. The two formats are
 * {@link SourceFormats#MEDIA_FILE_HEADER} (names down the breakdown; {@code ctr} checked against clicks and
 * impressions, never trusted) and {@link SourceFormats#DSP_REPORT_HEADER} (level and external id). Columns are found
 * by name (case and surrounding blanks ignored), so their order may differ from the header's; extra columns are
 * ignored; a missing one fails the object (it is a different file, not a bad row).
 */
abstract sealed class RowFormat permits RowFormat.MediaFile, RowFormat.DspReport {

    static final int MAX_NAME = 255;
    static final long NULL = Long.MIN_VALUE;
    static final Set<String> LEVELS = Set.of("campaign", "insertion_order", "line_item", "creative");

    final String name;
    final List<String> expected;
    final int[] index;
    final int fieldCount;
    final long fromDay;
    final long toDay;
    private String lastDateText;
    private long lastDate;

    RowFormat(String name, List<String> expected, List<String> header, LocalDate from, LocalDate to) {
        this.name = name;
        this.expected = expected;
        this.fieldCount = header.size();
        this.index = new int[expected.size()];
        List<String> normalized = header.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        StringBuilder missing = new StringBuilder();
        for (int i = 0; i < expected.size(); i++) {
            index[i] = normalized.indexOf(expected.get(i));
            if (index[i] < 0 && required(expected.get(i))) {
                missing.append(missing.isEmpty() ? "" : ", ").append(expected.get(i));
            }
        }
        if (!missing.isEmpty()) {
            throw new PermanentStageFailure("the file's header lacks the column(s) " + missing + " of the " + name
                    + " format (" + String.join(",", expected) + ")");
        }
        this.fromDay = from.toEpochDay();
        this.toDay = to.toEpochDay();
    }

    static RowFormat of(String format, List<String> header, LocalDate from, LocalDate to) {
        return DataPath.MEDIA_FILE.equals(format) ? new MediaFile(header, from, to) : new DspReport(header, from, to);
    }

    boolean required(String column) {
        return true;
    }

    /** Fills {@code row} from {@code fields}; returns null when the row is good, else its reasons. */
    abstract String parse(List<String> fields, Row row);

    String field(List<String> fields, int column) {
        int i = index[column];
        return i < 0 ? "" : fields.get(i).strip();
    }

    /** What one typed row holds; reused from row to row. */
    static final class Row {
        long day;
        EntityKey key;
        long impressions;
        long clicks;
        long conversions;
        long views;
        long spendMicros;
        long revenueMicros;
        String currency;
    }

    long date(String text, StringBuilder reasons) {
        if (text.equals(lastDateText)) {
            return lastDate;
        }
        long day;
        try {
            if (text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
                throw new DateTimeException(text);
            }
            day = LocalDate.of(Integer.parseInt(text, 0, 4, 10), Integer.parseInt(text, 5, 7, 10),
                    Integer.parseInt(text, 8, 10, 10)).toEpochDay();
        } catch (RuntimeException e) {
            reason(reasons, "date is not a date (YYYY-MM-DD): " + cap(text));
            return NULL;
        }
        if (day < fromDay || day > toDay) {
            reason(reasons, "date " + text + " is outside the execution's window");
            return NULL;
        }
        lastDateText = text;
        lastDate = day;
        return day;
    }

    /** A non-negative integer count; empty is null ({@link #NULL}). */
    static long count(String text, String column, StringBuilder reasons) {
        if (text.isEmpty()) {
            return NULL;
        }
        int length = text.length();
        if (length > 18) {
            reason(reasons, column + " is not a non-negative integer");
            return NULL;
        }
        long value = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                reason(reasons, column + (c == '-' ? " is negative" : " is not a non-negative integer"));
                return NULL;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * A DSP's conversions, which attribution may make fractional (Google Ads, Meta, DV360 report doubles), as the
     * whole count gold and campaign_metrics keep: rounded half-up ({@code 2.5} is 3, {@code 0.4} is 0). Empty is null.
     */
    static long wholeConversions(String text, StringBuilder reasons) {
        long micros = micros(text, "conversions", reasons);
        return micros == NULL ? NULL : (micros + 500_000) / 1_000_000;
    }

    /** A non-negative decimal amount with at most 6 decimals, in millionths; empty is null. */
    static long micros(String text, String column, StringBuilder reasons) {
        if (text.isEmpty()) {
            return NULL;
        }
        long whole = 0;
        long fraction = 0;
        int decimals = -1;
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '.' && decimals < 0) {
                decimals = 0;
            } else if (c >= '0' && c <= '9') {
                if (decimals >= 0) {
                    if (++decimals > 6) {
                        reason(reasons, column + " has more than 6 decimals");
                        return NULL;
                    }
                    fraction = fraction * 10 + (c - '0');
                } else {
                    if (++digits > 12) {
                        reason(reasons, column + " is too large");
                        return NULL;
                    }
                    whole = whole * 10 + (c - '0');
                }
            } else {
                reason(reasons, column + (c == '-' ? " is negative" : " is not a decimal number"));
                return NULL;
            }
        }
        if (digits == 0 && decimals <= 0) {
            reason(reasons, column + " is not a decimal number");
            return NULL;
        }
        for (int d = Math.max(decimals, 0); d < 6; d++) {
            fraction *= 10;
        }
        return whole * 1_000_000 + fraction;
    }

    static String name(String text, String column, StringBuilder reasons) {
        if (text.isEmpty()) {
            return null;
        }
        if (text.length() > MAX_NAME) {
            reason(reasons, column + " is longer than " + MAX_NAME + " characters");
        }
        return text;
    }

    static void reason(StringBuilder reasons, String reason) {
        if (!reasons.isEmpty()) {
            reasons.append("; ");
        }
        reasons.append(reason);
    }

    static String cap(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    /** Seed 004's daily media file: names down campaign > strategy > placement > creative. */
    static final class MediaFile extends RowFormat {

        MediaFile(List<String> header, LocalDate from, LocalDate to) {
            super("daily media file", SourceFormats.MEDIA_FILE_HEADER, header, from, to);
        }

        @Override
        boolean required(String column) {
            return !column.equals("ctr") && !column.equals("conversions") && !column.equals("conversion_revenue");
        }

        @Override
        String parse(List<String> fields, Row row) {
            StringBuilder reasons = new StringBuilder();
            row.day = date(field(fields, 0), reasons);
            String campaign = name(field(fields, 1), "campaign_name", reasons);
            String strategy = name(field(fields, 2), "strategy_name", reasons);
            String placement = name(field(fields, 3), "placement_name", reasons);
            String creative = name(field(fields, 4), "creative_name", reasons);
            if (campaign == null) {
                reason(reasons, "campaign_name is missing");
            } else if ((strategy == null && (placement != null || creative != null)) || (placement == null && creative != null)) {
                reason(reasons, "a name is missing above a given one (campaign > strategy > placement > creative)");
            }
            row.impressions = count(field(fields, 5), "impressions", reasons);
            row.clicks = count(field(fields, 6), "clicks", reasons);
            row.conversions = count(field(fields, 8), "conversions", reasons);
            row.views = NULL;
            row.spendMicros = NULL;
            row.revenueMicros = micros(field(fields, 9), "conversion_revenue", reasons);
            row.currency = null;
            if (row.impressions == NULL && reasons.isEmpty()) {
                reason(reasons, "impressions is missing");
            }
            if (row.clicks == NULL && reasons.isEmpty()) {
                reason(reasons, "clicks is missing");
            }
            if (reasons.isEmpty() && row.clicks > row.impressions) {
                reason(reasons, "clicks exceed impressions");
            }
            String ctr = field(fields, 7);
            if (reasons.isEmpty() && !ctr.isEmpty()) {
                checkCtr(ctr, row.clicks, row.impressions, reasons);
            }
            if (!reasons.isEmpty()) {
                return reasons.toString();
            }
            row.key = new EntityKey.ByNames(campaign, strategy, placement, creative);
            return null;
        }

        /** ctr as a fraction (scale 6) or a percentage (scale 2), within rounding of clicks / impressions. */
        private static void checkCtr(String text, long clicks, long impressions, StringBuilder reasons) {
            double ctr;
            try {
                ctr = Double.parseDouble(text.endsWith("%") ? text.substring(0, text.length() - 1) : text);
            } catch (NumberFormatException e) {
                reason(reasons, "ctr is not a number");
                return;
            }
            double expected = impressions == 0 ? 0 : (double) clicks / impressions;
            boolean asFraction = Math.abs(ctr - expected) <= 0.0000051;
            boolean asPercent = Math.abs(ctr - 100 * expected) <= 0.0051;
            if (!(text.endsWith("%") ? asPercent : asFraction || asPercent)) {
                reason(reasons, "ctr " + cap(text) + " disagrees with clicks / impressions");
            }
        }
    }

    /** A DSP's daily report as a DSP source writes it: level and external id. */
    static final class DspReport extends RowFormat {

        DspReport(List<String> header, LocalDate from, LocalDate to) {
            super("DSP report", SourceFormats.DSP_REPORT_HEADER, header, from, to);
        }

        @Override
        boolean required(String column) {
            return !column.equals("views") && !column.equals("revenue");
        }

        @Override
        String parse(List<String> fields, Row row) {
            StringBuilder reasons = new StringBuilder();
            row.day = date(field(fields, 0), reasons);
            String level = field(fields, 1).toLowerCase(Locale.ROOT);
            if (!LEVELS.contains(level)) {
                reason(reasons, "level " + cap(level) + " is not campaign, insertion_order, line_item or creative");
            }
            String externalId = name(field(fields, 2), "external_id", reasons);
            if (externalId == null) {
                reason(reasons, "external_id is missing");
            }
            row.impressions = count(field(fields, 3), "impressions", reasons);
            row.clicks = count(field(fields, 4), "clicks", reasons);
            row.conversions = wholeConversions(field(fields, 5), reasons);
            row.views = count(field(fields, 6), "views", reasons);
            row.spendMicros = micros(field(fields, 7), "spend", reasons);
            String currency = field(fields, 8);
            row.revenueMicros = micros(field(fields, 9), "revenue", reasons);
            if (currency.isEmpty()) {
                row.currency = null;
                if (row.spendMicros != NULL && row.spendMicros != 0) {
                    reason(reasons, "currency is missing beside spend");
                }
            } else if (currency.length() != 3 || !currency.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
                reason(reasons, "currency " + cap(currency) + " is not an ISO 4217 code");
            } else {
                row.currency = currency;
            }
            if (reasons.isEmpty() && row.clicks != NULL && row.impressions != NULL && row.clicks > row.impressions) {
                reason(reasons, "clicks exceed impressions");
            }
            if (!reasons.isEmpty()) {
                return reasons.toString();
            }
            row.key = new EntityKey.ByExternalId(level, externalId);
            return null;
        }
    }
}
