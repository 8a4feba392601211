package io.clp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncBenchTest {

    @Test
    void theDefaultAccountHasTenThousandCampaignsAndAHundredThousandLineItems() {
        SyncBench.Options o = SyncBench.Options.parse(List.of());

        assertThat(o.campaigns()).isEqualTo(10_000);
        assertThat(o.insertionOrders()).isEqualTo(10_000);
        assertThat(o.lineItemRows()).isEqualTo(100_000);
        assertThat(o.creativeRows()).isEqualTo(100_000);
        assertThat(o.entities()).isEqualTo(220_000);
        assertThat(o.timeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(o.pauseAuditCapture()).isFalse();
    }

    @Test
    void optionsChangeTheAccountsSize() {
        SyncBench.Options o = SyncBench.Options.parse(List.of("--campaigns", "100", "--line-items", "5", "--creatives", "2",
                "--timeout-minutes", "3", "--pause-audit-capture"));

        assertThat(o.entities()).isEqualTo(100 + 100 + 500 + 1_000);
        assertThat(o.timeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(o.pauseAuditCapture()).isTrue();
    }

    @Test
    void anUnknownOptionOrANonPositiveNumberIsRefused() {
        assertThatThrownBy(() -> SyncBench.Options.parse(List.of("--rate", "5"))).isInstanceOf(StackException.class)
                .hasMessageContaining("unknown option --rate");
        assertThatThrownBy(() -> SyncBench.Options.parse(List.of("--campaigns", "0"))).isInstanceOf(StackException.class)
                .hasMessageContaining("--campaigns needs a positive number");
        assertThatThrownBy(() -> SyncBench.Options.parse(List.of("--creatives"))).isInstanceOf(StackException.class);
    }

    @Test
    void theEntitiesSyncedAreTheSeenCountsOfEveryLevel() throws Exception {
        var counts = new ObjectMapper().readTree("""
                {"CAMPAIGN": {"seen": 10, "created": 10, "changed": 0, "removed": 0},
                 "INSERTION_ORDER": {"seen": 10, "created": 10}, "LINE_ITEM": {"seen": 100}, "CREATIVE": {"seen": 100}}""");

        assertThat(SyncBench.seen(counts)).isEqualTo(220);
        assertThat(SyncBench.seen(new ObjectMapper().readTree("{}"))).isZero();
        assertThat(SyncBench.created(counts)).isEqualTo(20);
    }

    @Test
    void writtenPerSecondIsEntitiesOverWriteTimeAndComparedWithCopy() {
        SyncBench.Result r = new SyncBench.Result("succeeded", 220_000, 40, 15, 11, 30, 110_000);

        assertThat(r.perSecond()).isEqualTo(5_500);
        assertThat(r.writtenPerSecond()).isEqualTo(20_000);
        assertThat(r.ofCopy()).isEqualTo(20_000.0 / 110_000);
        assertThat(r.metGoal()).isTrue();
        assertThat(new SyncBench.Result("succeeded", 220_000, 40, 15, 22, 30, 110_000).metGoal()).isFalse();
        assertThat(new SyncBench.Result("failed", 220_000, 40, 15, 1, -1, 110_000).metGoal()).isFalse();
        assertThat(new SyncBench.Result("succeeded", 0, 0, 0, 0, 0, 0).writtenPerSecond()).isZero();
    }
}
