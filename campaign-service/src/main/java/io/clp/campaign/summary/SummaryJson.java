package io.clp.campaign.summary;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;

import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerMessageBodyWriter;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.List;

/**
 * The time series and summaries written to the response as UTF-8 JSON by a streaming generator, field by field, the
 * fields' names encoded once: a 90-day series is a dashboard's hot read, and the object mapper's walk over its records
 * (a serializer looked up and called per record and property, each name escaped again) cost more than writing its few
 * hundred values. The resources still answer the records ({@link SummaryViews}); these writers take their place for
 * those two types. The JSON is the object mapper's, byte for byte (SummaryJsonTest compares them): the same names in
 * the same order; null values written as null in {@link SummaryViews.Group}, {@link SummaryViews.Totals} and
 * {@link SummaryViews.Change} (which include them always) and left out elsewhere (as the service's mapper does); counts
 * as numbers, amounts and KPIs as strings (their digits written straight into the response, {@link Micros#write}).
 */
public final class SummaryJson {

    private static final JsonFactory JSON = new JsonFactory();

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

    /** Answers a series request, in place of the object mapper. */
    @Provider
    @Produces(MediaType.APPLICATION_JSON)
    public static final class SeriesWriter extends Writer<SummaryViews.Series> {

        @Override
        void write(SummaryViews.Series s, OutputStream out) throws IOException {
            SummaryJson.write(out, s.periods(), json -> {
                string(json, CAMPAIGN_ID, s.campaignId());
                string(json, LEVEL, s.level());
                string(json, ENTITY_ID, s.entityId());
                string(json, GRAIN, s.grain());
                string(json, FROM, s.from());
                string(json, TO, s.to());
            });
        }
    }

    /** Answers a summary request, in place of the object mapper. */
    @Provider
    @Produces(MediaType.APPLICATION_JSON)
    public static final class SummaryWriter extends Writer<SummaryViews.Summary> {

        @Override
        void write(SummaryViews.Summary s, OutputStream out) throws IOException {
            SummaryJson.write(out, s.periods(), json -> {
                string(json, GRAIN, s.grain());
                string(json, FROM, s.from());
                string(json, TO, s.to());
            });
        }
    }

    /** A writer of one answer's type, straight to the response's stream as the object mapper would write it. */
    abstract static sealed class Writer<T> implements ServerMessageBodyWriter<T> permits SeriesWriter, SummaryWriter {

        abstract void write(T answer, OutputStream out) throws IOException;

        @Override
        public boolean isWriteable(Class<?> type, Type genericType, ResteasyReactiveResourceInfo target, MediaType mediaType) {
            return true;
        }

        @Override
        public void writeResponse(T answer, Type genericType, ServerRequestContext context) throws IOException {
            write(answer, context.getOrCreateOutputStream());
        }

        @Override
        public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
            return true;
        }

        @Override
        public void writeTo(T answer, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                            MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
            write(answer, out);
        }
    }

    private interface Head {
        void write(JsonGenerator json) throws IOException;
    }

    private static void write(OutputStream out, List<SummaryViews.Period> periods, Head head) throws IOException {
        // the stream is the response's: its owner closes it, and flushes it when its buffer fills or the answer ends; a
        // failure midway leaves the answer unfinished (the error's own answer replaces it), never closed as if complete
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM).disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT)) {
            json.writeStartObject();
            head.write(json);
            if (periods != null) {
                new Periods(json).write(periods);
            }
            json.writeEndObject();
        }
    }

    /** The periods of one answer, written by one generator, with a scratch buffer for the decimals' digits. */
    private static final class Periods {

        private final JsonGenerator json;
        private final byte[] digits = new byte[Micros.MAX_LENGTH];

        Periods(JsonGenerator json) {
            this.json = json;
        }

        void write(List<SummaryViews.Period> periods) throws IOException {
            json.writeFieldName(PERIODS);
            json.writeStartArray();
            for (SummaryViews.Period p : periods) {
                json.writeStartObject();
                string(json, PERIOD_START, p.periodStart());
                string(json, PERIOD_END, p.periodEnd());
                if (p.groups() != null) {
                    json.writeFieldName(GROUPS);
                    json.writeStartArray();
                    for (SummaryViews.Group g : p.groups()) {
                        group(g);
                    }
                    json.writeEndArray();
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        }

        private void group(SummaryViews.Group g) throws IOException {
            json.writeStartObject();
            nullable(json, CLIENT_ID, g.clientId());
            nullable(json, CLIENT_NAME, g.clientName());
            nullable(json, DSP_TYPE, g.dspType());
            nullable(json, CURRENCY, g.currency());
            totals(TOTALS, g.totals());
            totals(PREVIOUS, g.previous());
            SummaryViews.Change c = g.change();
            json.writeFieldName(CHANGE);
            if (c == null) {
                json.writeNull();
            } else {
                json.writeStartObject();
                decimal(IMPRESSIONS, c.impressions());
                decimal(CLICKS, c.clicks());
                decimal(CONVERSIONS, c.conversions());
                decimal(SPEND, c.spend());
                decimal(REVENUE, c.revenue());
                json.writeEndObject();
            }
            json.writeEndObject();
        }

        private void totals(SerializedString name, SummaryViews.Totals t) throws IOException {
            json.writeFieldName(name);
            if (t == null) {
                json.writeNull();
                return;
            }
            json.writeStartObject();
            number(CAMPAIGNS, t.campaigns());
            number(IMPRESSIONS, t.impressions());
            number(CLICKS, t.clicks());
            number(CONVERSIONS, t.conversions());
            number(VIEWS, t.views());
            decimal(SPEND, t.spend());
            decimal(REVENUE, t.revenue());
            decimal(CTR, t.ctr());
            decimal(CPC, t.cpc());
            decimal(CPM, t.cpm());
            decimal(CPA, t.cpa());
            decimal(CVR, t.cvr());
            decimal(ROAS, t.roas());
            json.writeFieldName(BILLED);
            if (t.billed() == null) {
                json.writeNull();
            } else {
                json.writeStartArray();
                for (SummaryViews.Billed b : t.billed()) {
                    json.writeStartObject();
                    string(json, CURRENCY, b.currency());
                    string(json, BILLED_SPEND, b.billedSpend());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        }

        /** A decimal field of a record that includes its nulls ({@code JsonInclude.Include.ALWAYS}). */
        private void decimal(SerializedString name, Micros value) throws IOException {
            json.writeFieldName(name);
            if (value == null) {
                json.writeNull();
            } else {
                value.write(json, digits);
            }
        }

        private void number(SerializedString name, long value) throws IOException {
            json.writeFieldName(name);
            json.writeNumber(value);
        }
    }

    /** A field of a record the mapper writes without its nulls: left out when null. */
    private static void string(JsonGenerator json, SerializedString name, Object value) throws IOException {
        if (value != null) {
            json.writeFieldName(name);
            json.writeString(value.toString());
        }
    }

    /** A field of a record the mapper writes with its nulls ({@code JsonInclude.Include.ALWAYS}). */
    private static void nullable(JsonGenerator json, SerializedString name, Object value) throws IOException {
        json.writeFieldName(name);
        json.writeString(value == null ? null : value.toString());
    }

    private static SerializedString name(String name) {
        return new SerializedString(name);
    }
}
