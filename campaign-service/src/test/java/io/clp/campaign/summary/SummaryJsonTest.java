package io.clp.campaign.summary;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.campaign.SimulatedDsps;
import io.clp.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.resteasy.reactive.server.runtime.ResteasyReactiveRecorder;
import jakarta.inject.Inject;
import jakarta.ws.rs.RuntimeType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import org.jboss.resteasy.reactive.server.core.Deployment;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The series and summaries written by hand are the bytes the service's own object mapper writes from the same records:
 * nulls where the records hold them, escaped values (a character outside the Basic Multilingual Plane included),
 * several groups and billed currencies, the previous period and the change. The writers are the service's (injected),
 * and Quarkus REST picks them first for their records' JSON.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class SummaryJsonTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    SummaryJson.SeriesWriter seriesWriter;

    @Inject
    SummaryJson.SummaryWriter summaryWriter;

    private static final SummaryViews.Totals NOW = new SummaryViews.Totals(3, 120_000, 900, 45, 7, m("1234.500000"), m("5000.000000"),
            m("0.007500"), m("1.371667"), m("10.287500"), m("27.433333"), m("0.050000"), m("98765432109876543210.050223"),
            List.of(new SummaryViews.Billed("EUR", "240.0000000"), new SummaryViews.Billed("GBP", "12.5000000")));
    private static final SummaryViews.Totals EMPTY = new SummaryViews.Totals(1, 0, 0, 0, 0, m("0.000000"), m("0.000000"),
            null, null, null, null, null, null, List.of());
    private static final SummaryViews.Totals NOTHING = new SummaryViews.Totals(0, 0, 0, 0, 0, null, null,
            null, null, null, null, null, null, null);

    private static Micros m(String decimal) {
        return Micros.amount(new BigDecimal(decimal));
    }

    @Test
    void quarkusRestWritesTheRecordsWithThem() {
        Deployment deployment = ResteasyReactiveRecorder.getCurrentDeployment();
        assertThat(deployment.getSerialisers().findWriters(deployment.getConfiguration(), SummaryViews.Series.class,
                MediaType.APPLICATION_JSON_TYPE, RuntimeType.SERVER).get(0)).isInstanceOf(SummaryJson.SeriesWriter.class);
        assertThat(deployment.getSerialisers().findWriters(deployment.getConfiguration(), SummaryViews.Summary.class,
                MediaType.APPLICATION_JSON_TYPE, RuntimeType.SERVER).get(0)).isInstanceOf(SummaryJson.SummaryWriter.class);
    }

    @Test
    void aSeriesIsWhatTheObjectMapperWrites() throws Exception {
        UUID campaign = UUID.randomUUID();
        UUID entity = UUID.randomUUID();
        List<SummaryViews.Period> periods = List.of(
                new SummaryViews.Period("2026-03-02", "2026-03-08", List.of(
                        new SummaryViews.Group(null, null, null, "USD", NOW, EMPTY, new SummaryViews.Change(null, null, null, null, null)),
                        new SummaryViews.Group(null, null, null, "EUR", EMPTY, null, null))),
                new SummaryViews.Period("2026-03-09", "2026-03-15", List.of(
                        new SummaryViews.Group(null, null, null, "USD", NOW, NOW,
                                new SummaryViews.Change(m("0.000000"), m("-0.500000"), m("1.250000"), m("0.000001"), m("-1.000000"))))));
        SummaryViews.Series series = new SummaryViews.Series(campaign, "line_item", entity, "week", "2026-03-02", "2026-03-15", periods);
        SummaryViews.Series none = new SummaryViews.Series(campaign, "campaign", campaign, "day", "2026-03-02", "2026-03-02", List.of());

        for (SummaryViews.Series s : List.of(series, none)) {
            assertEveryFieldSet(s);
            assertArrayEquals(mapper.writeValueAsBytes(s), written(seriesWriter, s), () -> new String(written(seriesWriter, s), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aSummaryIsWhatTheObjectMapperWritesValuesEscapedAlike() throws Exception {
        List<SummaryViews.Period> periods = List.of(new SummaryViews.Period("2026-03-01", "2026-03-31", List.of(
                new SummaryViews.Group(UUID.randomUUID(), "Acme \"Global\" \\ Ünïcode 😀 \u0001 </script>\n", "dv360", "USD", NOW, null, null),
                new SummaryViews.Group(null, null, "ttd", "JPY", EMPTY, EMPTY, new SummaryViews.Change(m("0.100000"), null, null, null, null)),
                new SummaryViews.Group(null, null, null, null, NOTHING, NOTHING, null))));
        SummaryViews.Summary summary = new SummaryViews.Summary("month", "2026-03-01", "2026-03-31", periods);

        assertEveryFieldSet(summary);
        assertArrayEquals(mapper.writeValueAsBytes(summary), written(summaryWriter, summary),
                () -> new String(written(summaryWriter, summary), StandardCharsets.UTF_8));
        // lists the service always fills, left out when missing, as the mapper leaves them out
        for (SummaryViews.Summary missing : List.of(new SummaryViews.Summary("day", "2026-03-01", "2026-03-01", null),
                new SummaryViews.Summary("day", "2026-03-01", "2026-03-01", List.of(new SummaryViews.Period("2026-03-01", "2026-03-01", null))))) {
            assertArrayEquals(mapper.writeValueAsBytes(missing), written(summaryWriter, missing));
        }
    }

    private static <T> byte[] written(MessageBodyWriter<T> writer, T answer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.writeTo(answer, answer.getClass(), answer.getClass(), null, MediaType.APPLICATION_JSON_TYPE, new MultivaluedHashMap<>(), out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The records whose nulls the mapper leaves out hold a value in every field of the fixtures: a field added to them
     * (and given a value by the service) that the writers do not write then fails the comparison, instead of being left
     * out on both sides.
     */
    private static void assertEveryFieldSet(Record r) throws ReflectiveOperationException {
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object value = c.getAccessor().invoke(r);
            if (r instanceof SummaryViews.Series || r instanceof SummaryViews.Summary || r instanceof SummaryViews.Period
                    || r instanceof SummaryViews.Billed) {
                assertNotNull(value, () -> r.getClass().getSimpleName() + "." + c.getName());
            }
            if (value instanceof Record nested) {
                assertEveryFieldSet(nested);
            } else if (value instanceof List<?> list) {
                for (Object item : list) {
                    if (item instanceof Record nested) {
                        assertEveryFieldSet(nested);
                    }
                }
            }
        }
    }
}
