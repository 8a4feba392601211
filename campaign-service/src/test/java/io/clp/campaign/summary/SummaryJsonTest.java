package io.clp.campaign.summary;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.campaign.SimulatedDsps;
import io.clp.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The series and summaries written by hand are the UTF-8 JSON the service's own object mapper writes from the same views,
 * character for character: nulls where the views hold them, escaped names, several groups and billed currencies, the
 * previous period and the change.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class SummaryJsonTest {

    @Inject
    ObjectMapper mapper;

    private static final SummaryViews.Totals NOW = new SummaryViews.Totals(3, 120_000, 900, 45, 7, "1234.500000", "5000.000000",
            "0.007500", "1.371667", "10.287500", "27.433333", "0.050000", "4.050223",
            List.of(new SummaryViews.Billed("EUR", "240.0000000"), new SummaryViews.Billed("GBP", "12.5000000")));
    private static final SummaryViews.Totals EMPTY = new SummaryViews.Totals(1, 0, 0, 0, 0, "0.000000", "0.000000",
            null, null, null, null, null, null, List.of());

    @Test
    void aSeriesIsWhatTheObjectMapperWrites() throws Exception {
        UUID campaign = UUID.randomUUID();
        UUID entity = UUID.randomUUID();
        List<SummaryViews.Period> periods = new ArrayList<>();
        periods.add(new SummaryViews.Period("2026-03-02", "2026-03-08", List.of(
                new SummaryViews.Group(null, null, null, "USD", NOW, EMPTY, new SummaryViews.Change(null, null, null, null, null)),
                new SummaryViews.Group(null, null, null, "EUR", EMPTY, null, null))));
        periods.add(new SummaryViews.Period("2026-03-09", "2026-03-15", List.of(
                new SummaryViews.Group(null, null, null, "USD", NOW, NOW,
                        new SummaryViews.Change("0.000000", "-0.500000", "1.250000", "0.000001", "-1.000000")))));
        SummaryViews.Series series = new SummaryViews.Series(campaign, "line_item", entity, "week", "2026-03-02", "2026-03-15", periods);

        assertEquals(mapper.writeValueAsString(series), text(SummaryJson.series(series)));
        SummaryViews.Series none = new SummaryViews.Series(campaign, "campaign", campaign, "day", "2026-03-02", "2026-03-02", List.of());
        assertEquals(mapper.writeValueAsString(none), text(SummaryJson.series(none)));
    }

    @Test
    void aSummaryIsWhatTheObjectMapperWritesNamesEscapedAlike() throws Exception {
        List<SummaryViews.Period> periods = List.of(new SummaryViews.Period("2026-03-01", "2026-03-31", List.of(
                new SummaryViews.Group(UUID.randomUUID(), "Acme \"Global\" \\ Ünïcode \u0001 </script>\n", "dv360", "USD", NOW, null, null),
                new SummaryViews.Group(null, null, "ttd", "JPY", EMPTY, EMPTY, new SummaryViews.Change("0.100000", null, null, null, null)))));
        SummaryViews.Summary summary = new SummaryViews.Summary("month", "2026-03-01", "2026-03-31", periods);

        assertEquals(mapper.writeValueAsString(summary), text(SummaryJson.summary(summary)));
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }
}
