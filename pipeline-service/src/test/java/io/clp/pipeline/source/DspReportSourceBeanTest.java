package io.clp.pipeline.source;

import io.clp.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/** The DSP report source as the service deploys it: a bean among the sources, of kind {@code dsp_report}. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class DspReportSourceBeanTest {

    @Inject
    @Any
    Instance<Source> sources;

    @Test
    void theDeployedSourceIsTheDspReportKind() {
        assertThat(sources.stream().map(Source::kind)).contains(DspReportSource.KIND);
    }
}
