package io.clp.platform.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.platform.problem.Problems;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.ConstrainedTo;
import jakarta.ws.rs.RuntimeType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Every request body an endpoint reads passes through here first, whatever its framing. The body
 * is read up to {@code clp.api.max-body-bytes}: a longer one (a chunked body declares no length, so
 * {@link BodySizeLimit} cannot see it coming) is a 413 problem. A JSON body is then scanned once
 * for the NUL character, which PostgreSQL cannot store in text or jsonb: any string or property
 * name holding one is a 400 naming the field, before anything is parsed into a request or written,
 * for every endpoint and every target type (records, maps, trees). Server side only: a REST
 * client's answers (Keycloak's client lists, for one) are not requests and may be longer.
 */
@Provider
@ConstrainedTo(RuntimeType.SERVER)
public class RequestBodies implements ReaderInterceptor {

    /** Bytes Vert.x may have read ahead of us; draining stops this far below its own (bare 413) limit. */
    private static final long READ_AHEAD = 64 * 1024;

    @ConfigProperty(name = "clp.api.max-body-bytes", defaultValue = "1048576")
    long maxBodyBytes;

    /** Vert.x's own limit on a body: a refused body is read and dropped up to it, so the answer reaches the client. */
    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "4M")
    MemorySize hardLimit;

    @Inject
    ObjectMapper json;

    @Inject
    CurrentVertxRequest request;

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        InputStream in = context.getInputStream();
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        if (body.length > maxBodyBytes) {
            refuseTooLarge(in, body.length);
        }
        if (isJson(context.getMediaType())) {
            refuseNul(body);
        }
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }

    /**
     * Reads and drops the rest of the body up to the hard limit, so that the client, which may still
     * be sending, receives the problem rather than a reset connection; a body longer than that
     * closes the connection after the answer.
     */
    private void refuseTooLarge(InputStream in, long alreadyRead) throws IOException {
        long budget = Math.max(0, hardLimit.asLongValue() - READ_AHEAD - alreadyRead);
        byte[] sink = new byte[8192];
        long dropped = 0;
        for (int n = 0; dropped < budget && n != -1; ) {
            n = in.read(sink, 0, (int) Math.min(sink.length, budget - dropped));
            dropped += Math.max(n, 0);
        }
        if (dropped >= budget && in.read() != -1) {
            RoutingContext routing = request.getCurrent();
            if (routing != null) {
                routing.response().putHeader("Connection", "close");
            }
        }
        throw Problems.tooLarge(maxBodyBytes);
    }

    private void refuseNul(byte[] body) throws IOException {
        try (JsonParser parser = json.getFactory().createParser(body)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if ((token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME) && parser.getText().indexOf('\0') >= 0) {
                    throw Problems.validation(field(parser.getParsingContext()), "must not contain the NUL character (U+0000)");
                }
            }
        } catch (JsonProcessingException e) {
            // not JSON after all: the body reader answers that with its own problem
        }
    }

    /** The field as problem documents name it: {@code settings.locale}, {@code scopes[2]}; the whole body is {@code body}. */
    static String field(JsonStreamContext context) {
        Deque<JsonStreamContext> fromRoot = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            fromRoot.push(c);
        }
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext c : fromRoot) {
            if (c.inArray()) {
                path.append('[').append(Math.max(0, c.getCurrentIndex())).append(']');
            } else if (c.getCurrentName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(c.getCurrentName().replace("\0", "\\u0000"));
            }
        }
        return path.isEmpty() ? "body" : path.toString();
    }

    private static boolean isJson(MediaType type) {
        return type != null && (type.isCompatible(MediaType.APPLICATION_JSON_TYPE) || type.getSubtype().endsWith("+json"));
    }
}
