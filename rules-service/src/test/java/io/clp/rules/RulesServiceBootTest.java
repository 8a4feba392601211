package io.clp.rules;

import io.clp.testing.PlatformTestResource;
import io.clp.testing.ServiceBootContract;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;
import java.util.Map;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "rules"))
class RulesServiceBootTest extends ServiceBootContract {

    @Override
    protected String service() {
        return "rules";
    }

    @Override
    protected List<String> tables() {
        return List.of("rules");
    }

    @Override
    protected Map<String, String> quotaTables() {
        return Map.of("rules", "rules");
    }
}
