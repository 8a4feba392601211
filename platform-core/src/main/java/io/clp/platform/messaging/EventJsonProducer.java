package io.clp.platform.messaging;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the {@link EventJson} mapper from the application's, so dates, modules and naming stay the same. */
@ApplicationScoped
public class EventJsonProducer {

    @Produces
    @Singleton
    @EventJson
    ObjectMapper eventJson(ObjectMapper json) {
        return tolerant(json);
    }

    /** {@code json}'s settings, except that unknown properties are ignored. */
    public static ObjectMapper tolerant(ObjectMapper json) {
        return json.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
