package io.clp.campaign.metrics;

import io.clp.events.pipeline.MetricsBatch;
import io.clp.platform.messaging.Failures;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a metrics batch must be to be applied (docs/metrics.md); a batch that breaks any rule is refused whole with a
 * {@link Failures.Permanent} naming the first broken rule, so that it is dead-lettered and nothing of it is written.
 * What passes comes back as {@link ValidBatch}: its rows in key order (so that concurrent batches lock shared rows in
 * the same order) with their amounts parsed.
 */
final class MetricsBatchRules {

    /** The earliest day a row may have; the latest is two days after today in UTC (a day ahead in the Pacific). */
    static final LocalDate EARLIEST = LocalDate.of(2000, 1, 1);
    /** Longest span of days one batch may cover: the partitions a batch may make stay bounded. */
    static final int MAX_SPAN_DAYS = 3660;
    /** How far a producer's clock may run ahead of this service's: extractedAt later than now plus this is refused. */
    static final java.time.Duration CLOCK_SKEW = java.time.Duration.ofMinutes(5);
    /**
     * The largest count a row may carry (10^14, far beyond any real entity's day): the API sums at most 10,000 rows
     * (CampaignMetrics.MAX_ROWS), and 10,000 × 10^14 = 10^18 still fits in a long, so a total never wraps.
     */
    static final long MAX_COUNT = 100_000_000_000_000L;

    /** A non-negative decimal of at most 14 integral and 6 fractional digits (numeric(20, 6)), no sign or exponent. */
    private static final Pattern AMOUNT = Pattern.compile("(0|[1-9][0-9]{0,13})(\\.[0-9]{1,6})?");
    private static final Pattern QUALITY = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.[0-9]{1,2})?");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private MetricsBatchRules() {
    }

    /** A row that passed, its amounts parsed. */
    record ValidRow(String level, UUID entityId, LocalDate date, long impressions, long clicks, long conversions, long views,
                    BigDecimal spend, String currency, BigDecimal revenue) {
    }

    record ValidBatch(MetricsBatch batch, BigDecimal dataQualityScore, List<ValidRow> rows, LocalDate firstDate, LocalDate lastDate) {
    }

    static ValidBatch check(MetricsBatch batch, UUID headerOrgId, LocalDate today) {
        require(batch != null, "the batch is empty");
        require(batch.batchId() != null, "batchId is missing");
        require(batch.organizationId() != null, "organizationId is missing");
        require(batch.executionId() != null, "executionId is missing");
        require(batch.pipelineId() != null, "pipelineId is missing");
        require(batch.extractedAt() != null, "extractedAt is missing");
        // a row's version: one from the future would outrank every later restatement of its days for good
        require(!batch.extractedAt().isAfter(java.time.Instant.now().plus(CLOCK_SKEW)), "extractedAt is in the future");
        require(!batch.extractedAt().isBefore(EARLIEST.atStartOfDay(ZoneOffset.UTC).toInstant()), "extractedAt is before " + EARLIEST);
        require(batch.chunk() != null && batch.chunk() >= 0, "chunk must be 0 or more");
        require(batch.batchId().equals(MetricsBatch.batchIdOf(batch.executionId(), batch.chunk())),
                "batchId is not the id of execution " + batch.executionId() + "'s chunk " + batch.chunk());
        require(headerOrgId == null || headerOrgId.equals(batch.organizationId()),
                "the ce_orgid header names another organization than the payload");
        require(batch.hasDataIssues() != null, "hasDataIssues is missing");
        BigDecimal quality = null;
        if (batch.dataQualityScore() != null) {
            require(QUALITY.matcher(batch.dataQualityScore()).matches(), "dataQualityScore is not a decimal of at most 2 fractional digits");
            quality = new BigDecimal(batch.dataQualityScore());
            require(quality.compareTo(BigDecimal.valueOf(100)) <= 0, "dataQualityScore is above 100");
        }
        require(batch.rows() != null && !batch.rows().isEmpty(), "the batch has no rows");
        require(batch.rows().size() <= MetricsBatch.MAX_ROWS,
                "the batch has " + batch.rows().size() + " rows, more than " + MetricsBatch.MAX_ROWS);
        LocalDate latest = today.plusDays(2);
        List<ValidRow> rows = new ArrayList<>(batch.rows().size());
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < batch.rows().size(); i++) {
            MetricsBatch.Row r = batch.rows().get(i);
            String at = "rows[" + i + "]";
            require(r != null, at + " is null");
            require(r.level() != null && MetricsBatch.LEVELS.contains(r.level()), at + ".level must be one of " + MetricsBatch.LEVELS);
            require(r.entityId() != null, at + ".entityId is missing");
            require(r.date() != null, at + ".date is missing");
            require(!r.date().isBefore(EARLIEST) && !r.date().isAfter(latest),
                    at + ".date must be from " + EARLIEST + " to " + latest);
            require(keys.add(r.level() + "/" + r.entityId() + "/" + r.date()),
                    at + " repeats " + r.level() + " " + r.entityId() + " on " + r.date());
            rows.add(new ValidRow(r.level(), r.entityId(), r.date(), count(r.impressions(), at + ".impressions"),
                    count(r.clicks(), at + ".clicks"), count(r.conversions(), at + ".conversions"), count(r.views(), at + ".views"),
                    amount(r.spend(), at + ".spend"), currency(r.currency(), at + ".currency"), amount(r.revenue(), at + ".revenue")));
        }
        rows.sort(Comparator.comparing(ValidRow::level).thenComparing(ValidRow::entityId).thenComparing(ValidRow::date));
        LocalDate first = rows.stream().map(ValidRow::date).min(Comparator.naturalOrder()).orElseThrow();
        LocalDate last = rows.stream().map(ValidRow::date).max(Comparator.naturalOrder()).orElseThrow();
        require(!first.plusDays(MAX_SPAN_DAYS).isBefore(last), "the rows span more than " + MAX_SPAN_DAYS + " days");
        return new ValidBatch(batch, quality, rows, first, last);
    }

    static LocalDate todayUtc() {
        return LocalDate.now(ZoneOffset.UTC);
    }

    private static long count(Long value, String field) {
        require(value != null, field + " is missing");
        require(value >= 0, field + " is negative");
        require(value <= MAX_COUNT, field + " is above " + MAX_COUNT);
        return value;
    }

    private static BigDecimal amount(String value, String field) {
        require(value != null, field + " is missing");
        require(AMOUNT.matcher(value).matches(),
                field + " is not a non-negative decimal string of at most 14 integral and 6 fractional digits");
        return new BigDecimal(value);
    }

    private static String currency(String value, String field) {
        require(value != null && CURRENCY.matcher(value).matches(), field + " is not an ISO 4217 code");
        try {
            Objects.requireNonNull(Currency.getInstance(value));
        } catch (IllegalArgumentException e) {
            throw new Failures.Permanent(field + " " + value + " is not an ISO 4217 currency");
        }
        return value;
    }

    private static void require(boolean rule, String broken) {
        if (!rule) {
            throw new Failures.Permanent("invalid metrics batch: " + broken);
        }
    }
}
