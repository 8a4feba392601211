package io.clp.audit;

import io.clp.testing.PlatformTestResource;
import io.clp.testing.ServiceBootContract;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "audit"))
class AuditServiceBootTest extends ServiceBootContract {

    @Override
    protected String service() {
        return "audit";
    }

    @Override
    protected List<String> tables() {
        return List.of("audit_logs", "transaction_contexts");
    }

    @Override
    protected List<String> orgScopedTables() {
        return List.of("audit_logs");
    }
}
