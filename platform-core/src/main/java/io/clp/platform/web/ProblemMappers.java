package io.clp.platform.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.clp.platform.problem.DatabaseErrors;
import io.clp.platform.problem.FailureTranslator;
import io.clp.platform.problem.FieldError;
import io.clp.platform.problem.ProblemDetail;
import io.clp.platform.problem.ProblemException;
import io.clp.platform.problem.Problems;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.OptimisticLockException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.hibernate.StaleStateException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The one place where failures become RFC 9457 problem documents. Stack traces stay in the log. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    static final String UNIQUE_VIOLATION = "23505";

    @Inject
    RequestIds requestIds;

    @Inject
    UriInfo uriInfo;

    @Inject
    Instance<FailureTranslator> translators;

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e);
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e) {
        List<FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new FieldError(fieldName(v), v.getMessage()))
                .sorted(Comparator.comparing(FieldError::field))
                .toList();
        return respond(Problems.validation(errors));
    }

    @ServerExceptionMapper({UnrecognizedPropertyException.class})
    public Response unknownField(UnrecognizedPropertyException e) {
        return respond(Problems.validation(path(e), "unknown field"));
    }

    @ServerExceptionMapper({InvalidFormatException.class, MismatchedInputException.class})
    public Response wrongType(MismatchedInputException e) {
        Class<?> target = e.getTargetType();
        String message = target != null && target.isEnum()
                ? "must be one of " + Arrays.stream(target.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "))
                : "must be of type " + (target == null ? "another type" : target.getSimpleName());
        return respond(Problems.validation(path(e).isEmpty() ? "body" : path(e), message));
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e) {
        return respond(Problems.malformed("the body is not valid JSON: " + e.getOriginalMessage()));
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        return Response.fromResponse(respond(Problems.unauthorized()))
                .header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(Problems.forbidden("the caller may not do this"));
    }

    @ServerExceptionMapper
    public Response unsupported(NotSupportedException e) {
        return respond(Problems.unsupportedMediaType("send application/json"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            // the JSON reader reports unparseable bodies wrapped in a 400
            return json instanceof MismatchedInputException mismatch ? wrongType(mismatch) : unreadable(json);
        }
        if (status >= 500) {
            return unexpected(e);
        }
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        String type = title.toLowerCase().replace(' ', '-');
        return respond(new ProblemException(status, type, title, e.getMessage(), null));
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        Optional<ProblemException> known = translated(e).or(() -> conflict(e));
        if (known.isPresent()) {
            return respond(known.get());
        }
        LOG.errorf(e, "unexpected failure (request %s)", requestIds.current());
        return respond(new ProblemException(500, "internal", "Internal error",
                "the request failed; quote request id " + requestIds.current() + " when reporting it", null));
    }

    private Optional<ProblemException> translated(Throwable e) {
        for (FailureTranslator translator : translators) {
            Optional<ProblemException> problem = translator.translate(e);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    /**
     * A write that lost a race: a unique constraint another transaction satisfied first, or an
     * optimistic version check (an entity changed since it was read). Both are 409, never 500.
     */
    static Optional<ProblemException> conflict(Throwable e) {
        for (Throwable t : DatabaseErrors.chain(e)) {
            if (UNIQUE_VIOLATION.equals(DatabaseErrors.sqlState(t))) {
                return Optional.of(Problems.conflict("conflict", "the request conflicts with an existing resource"));
            }
            if (t instanceof StaleStateException || t instanceof OptimisticLockException) {
                return Optional.of(Problems.conflict("concurrent-modification",
                        "the resource was changed by another request meanwhile; read it again and retry"));
            }
        }
        return Optional.empty();
    }

    private Response respond(ProblemException e) {
        ProblemDetail body = new ProblemDetail(Problems.TYPE_PREFIX + e.type(), e.title(), e.status(), e.detail(),
                uriInfo == null ? null : uriInfo.getPath(), requestIds.current(), e.errors());
        Response.ResponseBuilder response = Response.status(e.status()).type(Problems.MEDIA_TYPE).entity(body);
        // whole seconds, rounded up: an earlier retry would be refused again
        e.retryAfter().ifPresent(after -> response.header("Retry-After", Math.max(1, (after.toMillis() + 999) / 1000)));
        return response.build();
    }

    static String fieldName(ConstraintViolation<?> v) {
        // "create.request.slug" -> "slug": drop the method and parameter nodes
        String path = v.getPropertyPath().toString().replace(".<list element>", "").replace(".<map value>", "");
        String[] parts = path.split("\\.");
        return parts.length > 2 ? String.join(".", List.of(parts).subList(2, parts.length)) : parts[parts.length - 1];
    }

    static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
