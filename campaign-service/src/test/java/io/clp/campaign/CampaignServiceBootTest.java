package io.clp.campaign;

import io.clp.testing.PlatformTestResource;
import io.clp.testing.ServiceBootContract;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;
import java.util.Map;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
class CampaignServiceBootTest extends ServiceBootContract {

    @Override
    protected String service() {
        return "campaign";
    }

    @Override
    protected List<String> tables() {
        return List.of("dsp_accounts", "campaigns", "campaign_metrics");
    }

    @Override
    protected Map<String, String> quotaTables() {
        return Map.of("dsp_accounts", "dsp_accounts");
    }
}
