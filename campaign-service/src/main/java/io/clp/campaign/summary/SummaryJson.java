package io.clp.campaign.summary;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;

/**
 * The time series and summaries written to JSON by a streaming generator, field by field: a 90-day series is a
 * dashboard's hot read, and the object mapper's walk over its records (a serializer looked up and called per record and
 * property) cost more than writing its few hundred values. The JSON is the object mapper's for {@link SummaryViews}:
 * the same names in the same order, null values of {@link SummaryViews.Group}, {@link SummaryViews.Totals} and
 * {@link SummaryViews.Change} written as null, counts as numbers, amounts as strings (SummaryJsonTest compares the two).
 */
final class SummaryJson {

    private static final JsonFactory JSON = new JsonFactory();
    /** About what one period's group takes, to size the buffer once. */
    private static final int GROUP_CHARS = 512;

    private SummaryJson() {
    }

    static String series(SummaryViews.Series s) {
        return write(s.periods(), json -> {
            json.writeStringField("campaignId", s.campaignId().toString());
            json.writeStringField("level", s.level());
            json.writeStringField("entityId", s.entityId().toString());
            json.writeStringField("grain", s.grain());
            json.writeStringField("from", s.from());
            json.writeStringField("to", s.to());
        });
    }

    static String summary(SummaryViews.Summary s) {
        return write(s.periods(), json -> {
            json.writeStringField("grain", s.grain());
            json.writeStringField("from", s.from());
            json.writeStringField("to", s.to());
        });
    }

    private interface Head {
        void write(JsonGenerator json) throws IOException;
    }

    private static String write(List<SummaryViews.Period> periods, Head head) {
        int groups = periods.stream().mapToInt(p -> p.groups().size()).sum();
        StringWriter out = new StringWriter(256 + groups * GROUP_CHARS);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            head.write(json);
            json.writeArrayFieldStart("periods");
            for (SummaryViews.Period p : periods) {
                json.writeStartObject();
                json.writeStringField("periodStart", p.periodStart());
                json.writeStringField("periodEnd", p.periodEnd());
                json.writeArrayFieldStart("groups");
                for (SummaryViews.Group g : p.groups()) {
                    group(json, g);
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toString();
    }

    private static void group(JsonGenerator json, SummaryViews.Group g) throws IOException {
        json.writeStartObject();
        uuid(json, "clientId", g.clientId());
        json.writeStringField("clientName", g.clientName());
        json.writeStringField("dspType", g.dspType());
        json.writeStringField("currency", g.currency());
        totals(json, "totals", g.totals());
        totals(json, "previous", g.previous());
        SummaryViews.Change c = g.change();
        if (c == null) {
            json.writeNullField("change");
        } else {
            json.writeObjectFieldStart("change");
            json.writeStringField("impressions", c.impressions());
            json.writeStringField("clicks", c.clicks());
            json.writeStringField("conversions", c.conversions());
            json.writeStringField("spend", c.spend());
            json.writeStringField("revenue", c.revenue());
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void totals(JsonGenerator json, String name, SummaryViews.Totals t) throws IOException {
        if (t == null) {
            json.writeNullField(name);
            return;
        }
        json.writeObjectFieldStart(name);
        json.writeNumberField("campaigns", t.campaigns());
        json.writeNumberField("impressions", t.impressions());
        json.writeNumberField("clicks", t.clicks());
        json.writeNumberField("conversions", t.conversions());
        json.writeNumberField("views", t.views());
        json.writeStringField("spend", t.spend());
        json.writeStringField("revenue", t.revenue());
        json.writeStringField("ctr", t.ctr());
        json.writeStringField("cpc", t.cpc());
        json.writeStringField("cpm", t.cpm());
        json.writeStringField("cpa", t.cpa());
        json.writeStringField("cvr", t.cvr());
        json.writeStringField("roas", t.roas());
        json.writeArrayFieldStart("billed");
        for (SummaryViews.Billed b : t.billed()) {
            json.writeStartObject();
            json.writeStringField("currency", b.currency());
            json.writeStringField("billedSpend", b.billedSpend());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void uuid(JsonGenerator json, String name, UUID value) throws IOException {
        json.writeStringField(name, value == null ? null : value.toString());
    }
}
