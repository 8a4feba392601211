package io.clp.pipeline;

import io.clp.testing.PlatformTestResource;
import io.clp.testing.ServiceBootContract;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;
import java.util.Map;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class PipelineServiceBootTest extends ServiceBootContract {

    @Override
    protected String service() {
        return "pipeline";
    }

    @Override
    protected List<String> tables() {
        return List.of("templates", "pipelines", "etl_executions", "data_quality_metrics", "dsp_account_refs");
    }

    @Override
    protected Map<String, String> quotaTables() {
        return Map.of("pipelines", "pipelines");
    }
}
