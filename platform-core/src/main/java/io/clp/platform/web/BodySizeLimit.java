package io.clp.platform.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.platform.problem.ProblemDetail;
import io.clp.platform.problem.ProblemException;
import io.clp.platform.problem.Problems;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a request whose declared {@code Content-Length} exceeds {@code clp.api.max-body-bytes}
 * with a 413 problem document, on every route, before anything reads the body. It runs ahead of
 * Vert.x's own limit ({@code quarkus.http.limits.max-body-size}), which would answer with an empty
 * 413. A body up to that hard limit is read and dropped before the answer, so a client that sends
 * its whole body before reading the response gets the problem rather than a reset connection;
 * a longer one (or one the client waits to send, {@code Expect: 100-continue}) is answered at once
 * and the connection closed, as Vert.x does. Chunked bodies are bounded by {@link RequestBodies}.
 */
@ApplicationScoped
public class BodySizeLimit {

    private final long maxBodyBytes;
    private final long hardLimit;
    private final ObjectMapper json;

    public BodySizeLimit(@ConfigProperty(name = "clp.api.max-body-bytes", defaultValue = "1048576") long maxBodyBytes,
                         @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "4M") MemorySize hardLimit,
                         ObjectMapper json) {
        this.maxBodyBytes = maxBodyBytes;
        this.hardLimit = hardLimit.asLongValue();
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    }

    void check(RoutingContext routing) {
        String header = routing.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (header == null) {
            routing.next();
            return;
        }
        long length;
        try {
            length = Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            refuse(routing, Problems.malformed("Content-Length is not a number"), true);
            return;
        }
        if (length <= maxBodyBytes) {
            routing.next();
            return;
        }
        HttpServerRequest request = routing.request();
        boolean drop = length <= hardLimit && !request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)
                && !request.isEnded();
        if (!drop) {
            refuse(routing, Problems.tooLarge(maxBodyBytes), true);
            return;
        }
        request.handler(ignored -> { });
        request.exceptionHandler(e -> request.connection().close());
        request.endHandler(ended -> refuse(routing, Problems.tooLarge(maxBodyBytes), false));
        request.resume();
    }

    private void refuse(RoutingContext routing, ProblemException problem, boolean close) {
        String requestId = RequestIds.acceptedOrNew(routing.request().getHeader(RequestIds.HEADER));
        byte[] body;
        try {
            body = json.writeValueAsBytes(new ProblemDetail(Problems.TYPE_PREFIX + problem.type(), problem.title(),
                    problem.status(), problem.detail(), routing.request().path(), requestId, problem.errors()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        HttpServerResponse response = routing.response()
                .setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problems.MEDIA_TYPE)
                .putHeader(RequestIds.HEADER, requestId);
        if (close) {
            response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            response.endHandler(done -> routing.request().connection().close());
        }
        response.end(Buffer.buffer(body));
    }
}
