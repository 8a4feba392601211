package io.clp.campaign;

import io.clp.campaign.readmodel.EntityGrantReadModel;
import io.clp.campaign.readmodel.OrganizationReadModel;
import io.clp.platform.messaging.EventProjection;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.ServiceBootContract;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.inject.Any;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
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

    @Test
    void consumesTheReadModelChannelsItsOwnSourceDeclares() {
        assertThat(Arc.container().select(EventProjection.class, Any.Literal.INSTANCE).stream().map(Object::getClass))
                .containsExactlyInAnyOrder(OrganizationReadModel.class, EntityGrantReadModel.class);
        String ready = given().when().get("/q/health/ready").then().statusCode(200).extract().asString();
        assertThat(ready).contains("\"organizations\"", "\"organization-states\"", "\"entity-grants\"", "\"grant-states\"");
    }
}
