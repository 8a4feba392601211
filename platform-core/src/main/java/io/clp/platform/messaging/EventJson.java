package io.clp.platform.messaging;

import jakarta.inject.Qualifier;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The JSON mapper that reads events: a tolerant reader. Adding a field to an event is a compatible
 * change within its version (docs/asyncapi.yaml), so a consumer built before the field existed must
 * ignore it rather than dead-letter the event. The application's own mapper stays strict: a field a
 * REST client sends that the API does not know is the client's mistake, answered with a 400. Inject it as {@code @EventJson ObjectMapper} ({@link EventJsonProducer}).
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE})
public @interface EventJson {
}
