package io.clp.platform.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * The service's {@link ObjectMapper} (the API's bodies, events) reads and writes properties through lambdas that
 * Jackson's Blackbird module generates once per property, instead of a reflective call each time: the same JSON, less
 * CPU on every response. The mapper's other settings are in platform-core's configuration ({@code quarkus.jackson.*}).
 */
@Singleton
public class JsonMappers implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new BlackbirdModule());
    }
}
