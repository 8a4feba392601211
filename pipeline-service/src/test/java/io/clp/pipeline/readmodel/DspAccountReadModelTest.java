package io.clp.pipeline.readmodel;

import io.clp.events.campaign.DspAccountConnected;
import io.clp.events.campaign.DspAccountDeleted;
import io.clp.events.campaign.DspAccountUpdated;
import io.clp.pipeline.PipelineFixtures;
import io.clp.pipeline.PipelineFixtures.Org;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestEvents;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class DspAccountReadModelTest {

    private static final Duration WITHIN = Duration.ofSeconds(60);

    private static String row(UUID accountId) {
        return TestDatabase.text("SELECT display_name || '/' || is_active || '/' || (deleted_at IS NOT NULL) FROM pipeline.dsp_account_refs WHERE id = ?",
                accountId);
    }

    private static void applied(UUID eventId) {
        await().atMost(WITHIN).until(() -> TestDatabase.count(
                "SELECT count(*) FROM pipeline.processed_event WHERE event_id = ? AND consumer = 'pipeline-dsp-accounts'", eventId) == 1);
    }

    private static int createPipeline(Org org, UUID accountId) {
        return given().auth().oauth2(org.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "P " + UUID.randomUUID(), "connectorType", "meta", "dspAccountId", accountId))
                .post(org.pipelines()).statusCode();
    }

    @Test
    void keepsTheNewestStateOfEachAccountAndIgnoresAnOlderEvent() {
        Org org = PipelineFixtures.org("admin");
        UUID account = UUID.randomUUID();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MICROS);
        applied(TestEvents.publish(new DspAccountConnected(account, org.id(), "meta", "act_1", "Brand", "UTC", "USD", true, null, null, t0)));
        assertThat(row(account)).isEqualTo("Brand/true/false");
        assertThat(createPipeline(org, account)).isEqualTo(201);

        applied(TestEvents.publish(new DspAccountUpdated(account, org.id(), "meta", "act_1", "Brand (off)", "UTC", "USD", false, null, null,
                List.of("displayName", "active"), false, t0.plusSeconds(20))));
        assertThat(row(account)).isEqualTo("Brand (off)/false/false");
        assertThat(createPipeline(org, account)).isEqualTo(422);

        // a late event from before the newest state changes nothing
        applied(TestEvents.publish(new DspAccountUpdated(account, org.id(), "meta", "act_1", "Stale", "UTC", "USD", true, null, null,
                List.of("displayName"), false, t0.plusSeconds(10))));
        assertThat(row(account)).isEqualTo("Brand (off)/false/false");

        applied(TestEvents.publish(new DspAccountDeleted(account, org.id(), "meta", "act_1", "Brand (off)", "UTC", "USD", false, null, null,
                t0.plusSeconds(30))));
        assertThat(row(account)).isEqualTo("Brand (off)/false/true");
        // nothing older than the deletion brings the account back
        applied(TestEvents.publish(new DspAccountUpdated(account, org.id(), "meta", "act_1", "Revived", "UTC", "USD", true, null, null,
                List.of("active"), false, t0.plusSeconds(25))));
        assertThat(row(account)).isEqualTo("Brand (off)/false/true");
        assertThat(createPipeline(org, account)).isEqualTo(422);
    }
}
