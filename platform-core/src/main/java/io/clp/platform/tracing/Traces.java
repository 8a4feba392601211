package io.clp.platform.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.common.vertx.ContextLocals;
import io.smallrye.common.vertx.VertxContext;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The W3C trace context ({@code traceparent}) a unit of work belongs to, so that a trace follows a
 * request across Kafka hops (docs/adr/0008): an HTTP request continues the caller's trace or starts
 * one, a consumed event continues the trace of the event, and every event written to the outbox
 * carries the current trace onward. The context lives in the Vert.x duplicated context of the request
 * or message (where Quarkus also keeps request-local state), so it follows the work across the
 * reactive pipeline and never leaks into another request on the same event loop. Parsing and
 * formatting are OpenTelemetry's; no span is recorded or exported.
 */
public final class Traces {

    /** The HTTP and Kafka header, and the outbox column, that carry the trace context. */
    public static final String HEADER = "traceparent";

    private static final String LOCAL = Traces.class.getName();
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final RandomGenerator IDS = new SecureRandom();
    private static final TextMapGetter<String> ONE_HEADER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of(HEADER);
        }

        @Override
        public String get(String carrier, String key) {
            return HEADER.equals(key) ? carrier : null;
        }
    };

    private Traces() {
    }

    /** The trace context a {@code traceparent} value names; empty when absent or malformed. */
    public static Optional<SpanContext> parse(String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Optional.empty();
        }
        SpanContext parent = Span.fromContext(W3C.extract(Context.root(), traceparent.trim(), ONE_HEADER)).getSpanContext();
        return parent.isValid() ? Optional.of(parent) : Optional.empty();
    }

    /**
     * The context of this service's step: a child of {@code traceparent} (same trace id, new span id,
     * the caller's sampling decision) when it is well-formed, else the first step of a new trace.
     */
    public static SpanContext continueOrStart(String traceparent) {
        return parse(traceparent)
                .map(parent -> SpanContext.create(parent.getTraceId(), newSpanId(), parent.getTraceFlags(), parent.getTraceState()))
                .orElseGet(() -> SpanContext.create(TraceId.fromLongs(nonZero(), IDS.nextLong()), newSpanId(),
                        TraceFlags.getDefault(), TraceState.getDefault()));
    }

    /** The {@code traceparent} header value of {@code context}. */
    public static String format(SpanContext context) {
        Map<String, String> headers = new HashMap<>();
        W3C.inject(Context.root().with(Span.wrap(context)), headers, Map::put);
        return headers.get(HEADER);
    }

    /**
     * Makes {@code context} the current one for the rest of the request or message being handled.
     * Outside a duplicated context (no request or message) there is nothing to attach it to.
     */
    public static void enter(SpanContext context) {
        if (VertxContext.isOnDuplicatedContext()) {
            ContextLocals.put(LOCAL, context);
        }
    }

    /** The current trace context, if a request or message set one. */
    public static Optional<SpanContext> current() {
        if (!VertxContext.isOnDuplicatedContext()) {
            return Optional.empty();
        }
        return ContextLocals.<SpanContext>get(LOCAL);
    }

    /**
     * The {@code traceparent} an event published now carries: the current trace, or a new one for work
     * no request or event caused (a scheduled job), so that the event's consumers are still one trace.
     */
    public static String forEvent() {
        return format(current().orElseGet(() -> continueOrStart(null)));
    }

    private static String newSpanId() {
        return SpanId.fromLong(nonZero());
    }

    /** All-zero ids are invalid in W3C trace context. */
    private static long nonZero() {
        long value;
        do {
            value = IDS.nextLong();
        } while (value == 0);
        return value;
    }
}
