package io.clp.campaign.metrics;

import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A row's created_at and updated_at tell which apply wrote it only while no two applies stamp the same time. */
class ApplyTimeTest {

    @Test
    void everyApplyStampsALaterMicrosecondThanTheOneBefore() {
        MetricsStore store = new MetricsStore(null);
        OffsetDateTime previous = store.applyTime();
        for (int i = 0; i < 10_000; i++) {
            OffsetDateTime next = store.applyTime();
            assertThat(next).isAfter(previous);
            assertThat(next.getNano() % 1_000).as("to the microsecond, as PostgreSQL keeps it").isZero();
            previous = next;
        }
        assertThat(ChronoUnit.SECONDS.between(previous, OffsetDateTime.now())).as("still the clock's time").isLessThan(5);
    }
}
