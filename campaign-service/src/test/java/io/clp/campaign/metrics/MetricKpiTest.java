package io.clp.campaign.metrics;

import io.clp.campaign.HierarchyFixtures;
import io.clp.campaign.HierarchyFixtures.Chain;
import io.clp.campaign.SimulatedDsps;
import io.clp.events.pipeline.MetricsBatch;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestPostgres;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The KPIs PostgreSQL computes, held to BigDecimal's: {@code num / den} rounded half-up to 6 fractional digits,
 * null on a zero denominator. Table-driven for the cases that matter (ties, micros, zero), then many generated cases
 * (seeded, so a failure repeats), both on clp_metric_ratio itself and through the consumer's real upsert.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class MetricKpiTest {

    private static final long SEED = 20261203L;

    /** The reference: exact quotient, half-up to 6 digits; null when the denominator is zero. */
    static String reference(BigDecimal num, BigDecimal den) {
        return den.signum() == 0 ? null : num.divide(den, 6, RoundingMode.HALF_UP).toPlainString();
    }

    @Test
    void ratiosAreExactHalfUpToSixDigitsAndNullOnAZeroDenominator() throws Exception {
        String[][] table = {
                // num, den, expected
                {"1", "3", "0.333333"},
                {"2", "3", "0.666667"},
                {"1", "2000000", "0.000001"},          // 0.0000005: a tie, rounded up
                {"1", "2000001", "0.000000"},          // just below the tie
                {"0.000001", "3", "0.000000"},         // a micro over three clicks
                {"0.000005", "10", "0.000001"},        // 0.0000005 again, from micros
                {"12.345678", "10", "1.234568"},
                {"99999999999999.999999", "1", "99999999999999.999999"},
                {"99999999999999.999999", "0.000001", "99999999999999999999.000000"},
                {"0", "7", "0.000000"},
                {"5", "0", null},
                {"0", "0", null},
                {"1000", "1000", "1.000000"},
                {"2.000000499999", "1", "2.000000"},   // a quotient just short of a tie is not pushed over it
        };
        List<BigDecimal[]> cases = new ArrayList<>();
        for (String[] row : table) {
            cases.add(new BigDecimal[]{new BigDecimal(row[0]), new BigDecimal(row[1])});
        }
        List<String> actual = ratios(cases);
        for (int i = 0; i < table.length; i++) {
            assertThat(actual.get(i)).as("%s / %s", table[i][0], table[i][1]).isEqualTo(table[i][2]);
            assertThat(actual.get(i)).as("the reference agrees on %s / %s", table[i][0], table[i][1])
                    .isEqualTo(reference(cases.get(i)[0], cases.get(i)[1]));
        }
    }

    @Test
    void aMissingArgumentGivesNullAndThePlannerInlinesTheRatio() throws Exception {
        try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE);
             var st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("""
                    SELECT campaign.clp_metric_ratio(NULL, 3, 6), campaign.clp_metric_ratio(1, NULL, 6),
                           campaign.clp_metric_ratio(1, 3, NULL), campaign.clp_metric_ratio(NULL, 0, 6)""")) {
                assertThat(rs.next()).isTrue();
                for (int i = 1; i <= 4; i++) {
                    assertThat(rs.getString(i)).as("argument set %d", i).isNull();
                }
            }
            // called per row through the SQL-function executor, six ratios a row cost more than the rest of a batch
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = st.executeQuery("""
                    EXPLAIN (VERBOSE, COSTS OFF)
                    SELECT campaign.clp_metric_ratio(n::numeric * 1000, d::numeric, 6)
                    FROM unnest('{1,2}'::text[], '{3,0}'::text[]) AS x(n, d)""")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            assertThat(plan.toString()).contains("div(").doesNotContain("clp_metric_ratio");
        }
    }

    @Test
    void generatedRatiosAgreeWithBigDecimal() throws Exception {
        Random random = new Random(SEED);
        List<BigDecimal[]> cases = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            BigDecimal den = switch (i % 4) {
                case 0 -> BigDecimal.valueOf(random.nextInt(4));                        // small counts, zero among them
                case 1 -> BigDecimal.valueOf(Math.abs(random.nextLong() % 1_000_000_000_000L));
                case 2 -> amount(random);                                              // spend as a denominator (ROAS)
                default -> BigDecimal.valueOf(2L * (1 + random.nextInt(1_000_000)));    // even, for ties below
            };
            BigDecimal num = i % 4 == 3
                    // an exact tie at the 7th digit: den/2 * (2k+1) micros
                    ? den.divide(BigDecimal.valueOf(2)).multiply(BigDecimal.valueOf(2L * random.nextInt(1_000_000) + 1))
                        .movePointLeft(6)
                    : random.nextBoolean() ? amount(random) : BigDecimal.valueOf(Math.abs(random.nextLong() % 10_000_000_000L));
            cases.add(new BigDecimal[]{num, den});
        }
        List<String> actual = ratios(cases);
        int ties = 0;
        for (int i = 0; i < cases.size(); i++) {
            BigDecimal num = cases.get(i)[0];
            BigDecimal den = cases.get(i)[1];
            assertThat(actual.get(i)).as("case %d: %s / %s", i, num.toPlainString(), den.toPlainString())
                    .isEqualTo(reference(num, den));
            if (den.signum() != 0 && num.multiply(BigDecimal.TEN.pow(7)).remainder(den).signum() == 0
                    && num.multiply(BigDecimal.TEN.pow(7)).divide(den).toBigIntegerExact().mod(BigInteger.TEN).intValue() == 5) {
                ties++;
            }
        }
        assertThat(ties).as("the generator reaches exact ties").isGreaterThan(500);
    }

    @Test
    void theUpsertStoresEveryKpiOfEveryRowAsTheReferenceComputesIt() {
        Chain chain = HierarchyFixtures.chain(UUID.randomUUID());
        Random random = new Random(SEED + 1);
        List<MetricsBatch.Row> rows = new ArrayList<>();
        LocalDate day = LocalDate.parse("2021-01-01");
        for (int i = 0; i < 1500; i++) {
            long impressions = random.nextInt(5) == 0 ? 0 : Math.abs(random.nextLong() % 10_000_000L);
            long clicks = random.nextInt(5) == 0 ? 0 : Math.abs(random.nextLong() % 100_000L);
            long conversions = random.nextInt(3) == 0 ? 0 : random.nextInt(2_000);
            String spend = random.nextInt(5) == 0 ? "0" : amount(random).toPlainString();
            String revenue = random.nextInt(4) == 0 ? "0" : amount(random).toPlainString();
            rows.add(new MetricsBatch.Row("campaign", chain.campaignId(), day.plusDays(i), impressions, clicks, conversions,
                    (long) random.nextInt(1000), spend, i % 2 == 0 ? "JPY" : "USD", revenue));
        }
        MetricsBatch batch = MetricsBatches.batch(chain.orgId(), rows);
        MetricsBatches.publish(batch);
        await().atMost(Duration.ofSeconds(60)).until(() -> MetricsBatches.rowsOfBatch(batch.batchId()) == rows.size());

        Map<LocalDate, String[]> stored = new HashMap<>();
        try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE);
             PreparedStatement ps = c.prepareStatement("""
                     SELECT metric_date, ctr::text, cpc::text, cpm::text, cpa::text, cvr::text, roas::text, spend::text, currency
                     FROM campaign.campaign_metrics WHERE entity_id = ?""")) {
            ps.setObject(1, chain.campaignId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.put(rs.getObject(1, LocalDate.class), new String[]{rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)});
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(stored).hasSize(rows.size());
        for (MetricsBatch.Row r : rows) {
            String[] kpi = stored.get(r.date());
            BigDecimal impressions = BigDecimal.valueOf(r.impressions());
            BigDecimal clicks = BigDecimal.valueOf(r.clicks());
            BigDecimal conversions = BigDecimal.valueOf(r.conversions());
            BigDecimal spend = new BigDecimal(r.spend());
            BigDecimal revenue = new BigDecimal(r.revenue());
            assertThat(kpi).as("row of %s", r.date()).containsExactly(
                    reference(clicks, impressions),
                    reference(spend, clicks),
                    reference(spend.multiply(BigDecimal.valueOf(1000)), impressions),
                    reference(spend, conversions),
                    reference(conversions, clicks),
                    reference(revenue, spend),
                    // the amount kept to the micro whatever the currency's minor unit (JPY has none)
                    spend.setScale(6).toPlainString(),
                    r.currency());
        }
    }

    /** A non-negative amount of up to 14 integral and 6 fractional digits, often small (micros). */
    private static BigDecimal amount(Random random) {
        int digits = 1 + random.nextInt(20);
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < digits; k++) {
            s.append(random.nextInt(10));
        }
        return new BigDecimal(new BigInteger(s.toString()), random.nextInt(7)).min(new BigDecimal("99999999999999.999999"));
    }

    private static List<String> ratios(List<BigDecimal[]> cases) throws Exception {
        try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE);
             PreparedStatement ps = c.prepareStatement("""
                     SELECT campaign.clp_metric_ratio(n::numeric, d::numeric, 6)::text
                     FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS x(n, d, i) ORDER BY i""")) {
            ps.setArray(1, c.createArrayOf("text", cases.stream().map(x -> x[0].toPlainString()).toArray()));
            ps.setArray(2, c.createArrayOf("text", cases.stream().map(x -> x[1].toPlainString()).toArray()));
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }
}
