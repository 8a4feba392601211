package io.clp.pipeline.source;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.clp.pipeline.campaigns.DspAccessTokens;
import io.clp.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The DSP report source as the service deploys it: a bean among the sources, of kind {@code dsp_report}. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class DspReportSourceBeanTest {

    @Inject
    @Any
    Instance<Source> sources;

    @Inject
    Instance<DspAccessTokens> tokens;

    @Test
    void theDeployedSourceIsTheDspReportKind() {
        assertThat(sources.stream().map(Source::kind)).contains(DspReportSource.KIND);
    }

    @Test
    void withNoWayToGetDspAccessDeployedAReportFailsPermanentlyNamingWhy() {
        if (tokens.isResolvable()) {
            return; // campaign-service's access is deployed: covered by DspReportSourceTest against the simulator
        }
        Source source = sources.stream().filter(s -> s.kind().equals(DspReportSource.KIND)).findFirst().orElseThrow();
        SourceRequest request = new SourceRequest(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                JsonNodeFactory.instance.objectNode(), LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 1));

        assertThatThrownBy(() -> source.list(request)).isInstanceOf(PermanentSourceException.class)
                .hasMessageContaining("DspAccessTokens");
    }
}
