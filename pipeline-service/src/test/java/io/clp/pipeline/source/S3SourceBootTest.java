package io.clp.pipeline.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.platform.messaging.Failures;
import io.clp.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service's S3 source as the executor gets it: a bean configured from {@code clp.pipelines.s3.*}. The module's
 * boot names no bucket, so the service runs and an S3 source fails permanently, saying which setting is missing.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class S3SourceBootTest {

    @Inject
    S3Source source;

    @Test
    void withoutABucketTheServiceRunsAndS3SourcesFailNamingTheSetting() throws Exception {
        assertThat(source.kind()).isEqualTo("s3");
        LocalDate day = LocalDate.of(2026, 3, 1);
        SourceRequest request = new SourceRequest(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), null,
                new ObjectMapper().readTree("{\"source\": {\"kind\": \"s3\", \"prefix\": \"media\"}}"), day, day);
        assertThatThrownBy(() -> source.list(request))
                .isInstanceOf(Failures.Permanent.class).hasMessageContaining("clp.pipelines.s3.bucket");
    }
}
