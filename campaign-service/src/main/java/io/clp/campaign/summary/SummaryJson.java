package io.clp.campaign.summary;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The time series and summaries written to UTF-8 JSON by a streaming generator, field by field, the fields' names
 * encoded once: a 90-day series is a dashboard's hot read, and the object mapper's walk over its records (a serializer
 * looked up and called per record and property, each name escaped again) cost more than writing its few hundred values.
 * The JSON is the object mapper's for {@link SummaryViews}: the same names in the same order, null values of
 * {@link SummaryViews.Group}, {@link SummaryViews.Totals} and {@link SummaryViews.Change} written as null, counts as
 * numbers, amounts as strings (SummaryJsonTest compares the two).
 */
final class SummaryJson {

    private static final JsonFactory JSON = new JsonFactory();
    /** About what one period's group takes, to size the buffer once. */
    private static final int GROUP_BYTES = 512;

    private static final SerializedString CAMPAIGN_ID = name("campaignId");
    private static final SerializedString LEVEL = name("level");
    private static final SerializedString ENTITY_ID = name("entityId");
    private static final SerializedString GRAIN = name("grain");
    private static final SerializedString FROM = name("from");
    private static final SerializedString TO = name("to");
    private static final SerializedString PERIODS = name("periods");
    private static final SerializedString PERIOD_START = name("periodStart");
    private static final SerializedString PERIOD_END = name("periodEnd");
    private static final SerializedString GROUPS = name("groups");
    private static final SerializedString CLIENT_ID = name("clientId");
    private static final SerializedString CLIENT_NAME = name("clientName");
    private static final SerializedString DSP_TYPE = name("dspType");
    private static final SerializedString CURRENCY = name("currency");
    private static final SerializedString TOTALS = name("totals");
    private static final SerializedString PREVIOUS = name("previous");
    private static final SerializedString CHANGE = name("change");
    private static final SerializedString CAMPAIGNS = name("campaigns");
    private static final SerializedString IMPRESSIONS = name("impressions");
    private static final SerializedString CLICKS = name("clicks");
    private static final SerializedString CONVERSIONS = name("conversions");
    private static final SerializedString VIEWS = name("views");
    private static final SerializedString SPEND = name("spend");
    private static final SerializedString REVENUE = name("revenue");
    private static final SerializedString CTR = name("ctr");
    private static final SerializedString CPC = name("cpc");
    private static final SerializedString CPM = name("cpm");
    private static final SerializedString CPA = name("cpa");
    private static final SerializedString CVR = name("cvr");
    private static final SerializedString ROAS = name("roas");
    private static final SerializedString BILLED = name("billed");
    private static final SerializedString BILLED_SPEND = name("billedSpend");

    private SummaryJson() {
    }

    static byte[] series(SummaryViews.Series s) {
        return write(s.periods(), json -> {
            string(json, CAMPAIGN_ID, s.campaignId().toString());
            string(json, LEVEL, s.level());
            string(json, ENTITY_ID, s.entityId().toString());
            string(json, GRAIN, s.grain());
            string(json, FROM, s.from());
            string(json, TO, s.to());
        });
    }

    static byte[] summary(SummaryViews.Summary s) {
        return write(s.periods(), json -> {
            string(json, GRAIN, s.grain());
            string(json, FROM, s.from());
            string(json, TO, s.to());
        });
    }

    private interface Head {
        void write(JsonGenerator json) throws IOException;
    }

    private static byte[] write(List<SummaryViews.Period> periods, Head head) {
        int groups = periods.stream().mapToInt(p -> p.groups().size()).sum();
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + groups * GROUP_BYTES);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            head.write(json);
            json.writeFieldName(PERIODS);
            json.writeStartArray();
            for (SummaryViews.Period p : periods) {
                json.writeStartObject();
                string(json, PERIOD_START, p.periodStart());
                string(json, PERIOD_END, p.periodEnd());
                json.writeFieldName(GROUPS);
                json.writeStartArray();
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
        return out.toByteArray();
    }

    private static void group(JsonGenerator json, SummaryViews.Group g) throws IOException {
        json.writeStartObject();
        string(json, CLIENT_ID, g.clientId() == null ? null : g.clientId().toString());
        string(json, CLIENT_NAME, g.clientName());
        string(json, DSP_TYPE, g.dspType());
        string(json, CURRENCY, g.currency());
        totals(json, TOTALS, g.totals());
        totals(json, PREVIOUS, g.previous());
        SummaryViews.Change c = g.change();
        json.writeFieldName(CHANGE);
        if (c == null) {
            json.writeNull();
        } else {
            json.writeStartObject();
            string(json, IMPRESSIONS, c.impressions());
            string(json, CLICKS, c.clicks());
            string(json, CONVERSIONS, c.conversions());
            string(json, SPEND, c.spend());
            string(json, REVENUE, c.revenue());
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void totals(JsonGenerator json, SerializedString name, SummaryViews.Totals t) throws IOException {
        json.writeFieldName(name);
        if (t == null) {
            json.writeNull();
            return;
        }
        json.writeStartObject();
        number(json, CAMPAIGNS, t.campaigns());
        number(json, IMPRESSIONS, t.impressions());
        number(json, CLICKS, t.clicks());
        number(json, CONVERSIONS, t.conversions());
        number(json, VIEWS, t.views());
        string(json, SPEND, t.spend());
        string(json, REVENUE, t.revenue());
        string(json, CTR, t.ctr());
        string(json, CPC, t.cpc());
        string(json, CPM, t.cpm());
        string(json, CPA, t.cpa());
        string(json, CVR, t.cvr());
        string(json, ROAS, t.roas());
        json.writeFieldName(BILLED);
        json.writeStartArray();
        for (SummaryViews.Billed b : t.billed()) {
            json.writeStartObject();
            string(json, CURRENCY, b.currency());
            string(json, BILLED_SPEND, b.billedSpend());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** A text field; null is written as null. */
    private static void string(JsonGenerator json, SerializedString name, String value) throws IOException {
        json.writeFieldName(name);
        json.writeString(value);
    }

    private static void number(JsonGenerator json, SerializedString name, long value) throws IOException {
        json.writeFieldName(name);
        json.writeNumber(value);
    }

    private static SerializedString name(String name) {
        return new SerializedString(name);
    }
}
