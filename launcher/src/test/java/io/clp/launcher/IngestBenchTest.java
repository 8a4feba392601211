package io.clp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestBenchTest {

    @TempDir
    Path dir;

    @Test
    void theBenchWatchesTheInboxCampaignServiceRecordsMetricsBatchesIn() throws IOException {
        String store = Files.readString(Path.of("..", "campaign-service", "src", "main", "java", "io", "clp", "campaign",
                "metrics", "MetricsStore.java"));
        assertThat(store).contains("static final String CONSUMER = \"" + IngestBench.METRICS_INBOX + "\";");
    }

    @Test
    void theDefaultIsAMillionRowsOverThirtyDailyFiles() {
        IngestBench.Options o = IngestBench.Options.parse(List.of());

        assertThat(o.rows()).isEqualTo(1_000_000);
        assertThat(o.days()).isEqualTo(30);
        assertThat(o.creatives()).as("within the 50,000 entities an execution may name by default").isEqualTo(33_334);
        assertThat(o.timeout()).isEqualTo(Duration.ofMinutes(60));
    }

    @Test
    void rowsAreSpreadOverTheDaysTheFirstDaysTakingTheRemainder() {
        IngestBench.Options o = IngestBench.Options.parse(List.of("--rows", "103", "--days", "5", "--timeout-minutes", "2"));

        assertThat(List.of(o.rowsOn(0), o.rowsOn(1), o.rowsOn(2), o.rowsOn(3), o.rowsOn(4))).containsExactly(21L, 21L, 21L, 20L, 20L);
        assertThat(o.timeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void anUnknownOptionANonPositiveNumberOrMoreDaysThanRowsIsRefused() {
        assertThatThrownBy(() -> IngestBench.Options.parse(List.of("--campaigns", "5"))).isInstanceOf(StackException.class)
                .hasMessageContaining("unknown option --campaigns");
        assertThatThrownBy(() -> IngestBench.Options.parse(List.of("--rows", "0"))).isInstanceOf(StackException.class)
                .hasMessageContaining("--rows needs a positive number");
        assertThatThrownBy(() -> IngestBench.Options.parse(List.of("--days"))).isInstanceOf(StackException.class);
        assertThatThrownBy(() -> IngestBench.Options.parse(List.of("--rows", "3", "--days", "4"))).isInstanceOf(StackException.class)
                .hasMessageContaining("at least --days");
        assertThatThrownBy(() -> IngestBench.Options.parse(List.of("--days", "367"))).isInstanceOf(StackException.class)
                .hasMessageContaining("366");
    }

    @Test
    void theFilesHoldEveryRowOncePerCreativeAndDayUnderTheSeedHeader() throws IOException {
        IngestBench.Options o = IngestBench.Options.parse(List.of("--rows", "6003", "--days", "3"));
        LocalDate first = LocalDate.of(2026, 3, 1);

        List<Path> files = IngestBench.generate(dir, o, first, 0);

        assertThat(files).extracting(f -> f.getFileName().toString())
                .containsExactly("media_2026-03-01.csv", "media_2026-03-02.csv", "media_2026-03-03.csv");
        long rows = 0;
        for (int d = 0; d < files.size(); d++) {
            List<String> lines = Files.readAllLines(files.get(d));
            assertThat(lines.getFirst()).isEqualTo("date,campaign_name,strategy_name,placement_name,creative_name,impressions,"
                    + "clicks,ctr,conversions,conversion_revenue");
            Set<String> creatives = new HashSet<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                assertThat(f).hasSize(10);
                assertThat(f[0]).isEqualTo(first.plusDays(d).toString());
                assertThat(creatives.add(f[4])).as("creative %s once a day", f[4]).isTrue();
                long impressions = Long.parseLong(f[5]);
                long clicks = Long.parseLong(f[6]);
                assertThat(clicks).isBetween(0L, impressions);
                assertThat(Long.parseLong(f[8])).isLessThanOrEqualTo(clicks);
            }
            assertThat(lines).hasSize((int) o.rowsOn(d) + 1);
            rows += lines.size() - 1;
        }
        assertThat(rows).isEqualTo(6003);
        assertThat(Files.readAllLines(files.getFirst()).get(2001)).startsWith("2026-03-01,Bench campaign 1,Bench strategy 10,"
                + "Bench placement 100,Bench creative 2000,");
    }

    @Test
    void theSameOptionsGiveTheSameBytesAndAnotherVariantRestatesTheSameRowsWithOtherNumbers() throws IOException {
        IngestBench.Options o = IngestBench.Options.parse(List.of("--rows", "500", "--days", "2"));
        LocalDate first = LocalDate.of(2026, 3, 1);

        byte[] once = Files.readAllBytes(IngestBench.generate(dir.resolve("a"), o, first, 0).get(1));
        byte[] again = Files.readAllBytes(IngestBench.generate(dir.resolve("b"), o, first, 0).get(1));
        List<String> restated = Files.readAllLines(IngestBench.generate(dir.resolve("c"), o, first, 1).get(1));
        List<String> original = Files.readAllLines(dir.resolve("a/media_2026-03-02.csv"));

        assertThat(again).isEqualTo(once);
        assertThat(restated).hasSameSizeAs(original).isNotEqualTo(original);
        for (int i = 1; i < original.size(); i++) {
            String[] a = original.get(i).split(",");
            String[] b = restated.get(i).split(",");
            assertThat(List.of(b).subList(0, 5)).isEqualTo(List.of(a).subList(0, 5));
        }
    }

    @Test
    void theHeapInUseIsSurvivorsEdenAndOldGenerationOfAJstatLine() {
        String[] header = "S0C S1C S0U S1U EC EU OC OU MC MU CCSC CCSU YGC YGCT FGC FGCT CGC CGCT GCT".split(" ");
        String[] values = "1024.0 1024.0 0.0 512.0 8192.0 4096.0 65536.0 10240.0 50000.0 49000.0 6000.0 5500.0 12 0.1 1 0.2 - - 0.3"
                .split(" ");

        assertThat(IngestBench.HeapSampler.heapUsed(header, values)).isEqualTo((512 + 4096 + 10240) * 1024L);
    }

    @Test
    void theRatiosAreEachEndPointsRowsPerSecondOverCopys() {
        IngestBench.Result r = new IngestBench.Result("completed", 1_000_000, 400_000, 5, 8, 10, 100 << 20, 90 << 20);

        assertThat(r.goldPerSecond()).isEqualTo(200_000);
        assertThat(r.goldRatio()).isEqualTo(0.5);
        assertThat(r.queryablePerSecond()).isEqualTo(125_000);
        assertThat(r.queryableRatio()).isEqualTo(0.3125);
        assertThat(r.floorRatio()).isEqualTo(0.25);
        assertThat(r.completed()).isTrue();
        assertThat(new IngestBench.Result("completed", 1, 1, 1, -1, 0, 0, 0).completed()).isFalse();
        assertThat(new IngestBench.Result("completed", 1, 1, 1, 1, 0, 0, 0).floorRatio()).isZero();
    }
}
