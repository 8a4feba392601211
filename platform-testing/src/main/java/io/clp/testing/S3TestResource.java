package io.clp.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Points pipeline-service's S3 source ({@code clp.pipelines.s3.*}) at the test JVM's one {@link TestS3} server.
 * Add it beside {@link PlatformTestResource} on the test class that defines the module's Quarkus boot
 * ({@code @WithTestResource(S3TestResource.class)}); the server starts once per JVM whichever class asks first,
 * and only in modules that use it.
 */
public class S3TestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return TestS3.get().pipelineConfig();
    }

    @Override
    public void stop() {
        // the server is shared by the module's test classes and stops with the JVM
    }
}
