package io.clp.campaign.metrics;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Batches are written in one key order, so that two batches applied at once on the same rows never deadlock. */
class KeyOrderTest {

    @Test
    void rowsAreOrderedByLevelThenEntityThenDay() {
        UUID a = new UUID(1, 1);
        UUID b = new UUID(1, 2);
        LocalDate d1 = LocalDate.of(2026, 11, 1);
        LocalDate d2 = d1.plusDays(1);
        List<MetricsBatchRules.ValidRow> expected = List.of(row("campaign", b, d2), row("creative", a, d1), row("creative", a, d2),
                row("creative", b, d1), row("line_item", a, d1));
        List<MetricsBatchRules.ValidRow> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new Random(7));

        assertThat(shuffled.stream().sorted(MetricsStore.KEY_ORDER).toList()).containsExactlyElementsOf(expected);
    }

    private static MetricsBatchRules.ValidRow row(String level, UUID entity, LocalDate day) {
        return new MetricsBatchRules.ValidRow(level, entity, day, 1, 0, 0, 0, BigDecimal.ONE, "USD", BigDecimal.ZERO);
    }
}
