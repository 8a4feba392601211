package io.clp.campaign.metrics;

import io.clp.events.pipeline.MetricsBatch;
import io.clp.platform.messaging.Failures;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsBatchRulesTest {

    private static final LocalDate TODAY = LocalDate.parse("2026-12-03");
    private static final UUID ORG = UUID.randomUUID();
    private static final UUID EXECUTION = UUID.randomUUID();
    private static final Instant EXTRACTED = Instant.parse("2026-12-03T06:00:00Z");

    private static MetricsBatch.Row row(String date, String spend, String currency) {
        return new MetricsBatch.Row("line_item", UUID.randomUUID(), LocalDate.parse(date), 1L, 1L, 0L, 0L, spend, currency, "0");
    }

    private static MetricsBatch batch(String quality, List<MetricsBatch.Row> rows) {
        return new MetricsBatch(MetricsBatch.batchIdOf(EXECUTION, 3), ORG, EXECUTION, 3, EXTRACTED, UUID.randomUUID(), null, quality, true,
                rows);
    }

    private static void refused(MetricsBatch batch, UUID headerOrg, String reason) {
        assertThatThrownBy(() -> MetricsBatchRules.check(batch, headerOrg, TODAY))
                .isInstanceOf(Failures.Permanent.class).hasMessageContaining(reason)
                .satisfies(e -> assertThat(Failures.isPermanent(e)).isTrue());
    }

    @Test
    void aValidBatchComesBackInKeyOrderWithItsAmountsExactAndItsDays() {
        List<MetricsBatch.Row> rows = new ArrayList<>();
        rows.add(row("2026-12-05", "0.000001", "JPY"));
        rows.add(row("2017-01-01", "99999999999999.999999", "EUR"));
        var valid = MetricsBatchRules.check(batch("100", rows), ORG, TODAY);

        assertThat(valid.firstDate()).isEqualTo(LocalDate.parse("2017-01-01"));
        assertThat(valid.lastDate()).isEqualTo(LocalDate.parse("2026-12-05"));
        assertThat(valid.dataQualityScore()).isEqualByComparingTo("100");
        assertThat(valid.rows()).extracting(MetricsBatchRules.ValidRow::spend)
                .containsExactlyInAnyOrder(new BigDecimal("0.000001"), new BigDecimal("99999999999999.999999"));
        assertThat(valid.rows()).isSortedAccordingTo((a, b) -> a.entityId().compareTo(b.entityId()));
    }

    @Test
    void refusesWhatTheContractDoesNotAllow() {
        List<MetricsBatch.Row> one = List.of(row("2026-12-01", "1", "USD"));
        refused(batch(null, one), UUID.randomUUID(), "ce_orgid");
        refused(batch("100.01", one), null, "above 100");
        MetricsBatch noVersion = batch(null, one);
        refused(new MetricsBatch(noVersion.batchId(), ORG, EXECUTION, 3, null, noVersion.pipelineId(), null, null, true, one), null,
                "extractedAt is missing");
        // a version from the future would freeze the rows it writes against every later restatement
        refused(new MetricsBatch(noVersion.batchId(), ORG, EXECUTION, 3, Instant.now().plus(java.time.Duration.ofHours(1)),
                noVersion.pipelineId(), null, null, true, one), null, "extractedAt is in the future");
        refused(new MetricsBatch(noVersion.batchId(), ORG, EXECUTION, 3, Instant.parse("1999-12-31T23:59:59Z"),
                noVersion.pipelineId(), null, null, true, one), null, "extractedAt is before");
        // counts: at most MAX_COUNT (10^14), so that the API's sum of its at most 10,000 rows fits in a long
        refused(batch(null, List.of(new MetricsBatch.Row("line_item", UUID.randomUUID(), LocalDate.parse("2026-12-01"),
                MetricsBatchRules.MAX_COUNT + 1, 1L, 0L, 0L, "1", "USD", "0"))), null, ".impressions is above 100000000000000");
        refused(batch(null, List.of(new MetricsBatch.Row("line_item", UUID.randomUUID(), LocalDate.parse("2026-12-01"),
                1L, 1L, 0L, Long.MAX_VALUE, "1", "USD", "0"))), null, ".views is above");
        assertThat(MetricsBatchRules.check(batch(null, List.of(new MetricsBatch.Row("line_item", UUID.randomUUID(),
                LocalDate.parse("2026-12-01"), MetricsBatchRules.MAX_COUNT, 1L, 0L, 0L, "1", "USD", "0"))), null, TODAY)
                .rows().get(0).impressions()).isEqualTo(MetricsBatchRules.MAX_COUNT);
        assertThat(Math.multiplyExact(MetricsBatchRules.MAX_COUNT, (long) CampaignMetrics.MAX_ROWS)).isLessThan(Long.MAX_VALUE);
        refused(batch("99.999", one), null, "dataQualityScore");
        refused(batch(null, List.of(row("2026-12-06", "1", "USD"))), null, ".date must be from 2000-01-01 to 2026-12-05");
        refused(batch(null, List.of(row("1999-12-31", "1", "USD"))), null, ".date");
        refused(batch(null, List.of(row("2026-12-01", "1", "usd"))), null, "ISO 4217");
        refused(batch(null, List.of(row("2026-12-01", "1", "ABC"))), null, "ISO 4217");
        refused(batch(null, List.of(row("2026-12-01", "1e3", "USD"))), null, ".spend");
        refused(batch(null, List.of(row("2026-12-01", "100000000000000", "USD"))), null, ".spend");
        refused(batch(null, List.of(row("2026-12-01", "01", "USD"))), null, ".spend");
        refused(batch(null, List.of(row("2000-01-01", "1", "USD"), row("2010-01-09", "1", "USD"))), null, "span");
        // exactly the longest span is allowed
        assertThat(MetricsBatchRules.check(batch(null, List.of(row("2000-01-01", "1", "USD"), row("2010-01-08", "1", "USD"))), null,
                TODAY).lastDate()).isEqualTo(LocalDate.parse("2010-01-08"));
        UnaryOperator<MetricsBatch> otherChunk = b -> new MetricsBatch(b.batchId(), b.organizationId(), b.executionId(), 4,
                b.extractedAt(), b.pipelineId(), null, null, false, b.rows());
        refused(otherChunk.apply(batch(null, one)), null, "batchId");
    }

    @Test
    void theBatchIdOfAChunkIsStableAndDiffersFromTheNextChunks() {
        assertThat(MetricsBatch.batchIdOf(EXECUTION, 0)).isEqualTo(MetricsBatch.batchIdOf(EXECUTION, 0))
                .isNotEqualTo(MetricsBatch.batchIdOf(EXECUTION, 1))
                .isNotEqualTo(MetricsBatch.batchIdOf(UUID.randomUUID(), 0));
    }
}
