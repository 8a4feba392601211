package io.clp.notification;

import io.clp.testing.PlatformTestResource;
import io.clp.testing.ServiceBootContract;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import java.util.List;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "notification"))
class NotificationServiceBootTest extends ServiceBootContract {

    @Override
    protected String service() {
        return "notification";
    }

    @Override
    protected List<String> tables() {
        return List.of("notifications");
    }
}
