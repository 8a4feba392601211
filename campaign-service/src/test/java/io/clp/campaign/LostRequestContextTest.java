package io.clp.campaign;

import io.clp.platform.tx.Actor;
import io.clp.platform.web.HttpRequestContexts;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Work found on an HTTP request's Vert.x context that cannot find the request's CDI context (it outlived its request,
 * or lost the context) is refused: it never runs in the service's own scope, which row-level security does not limit.
 * Work on a context of its own (a consumer's, a scheduler's) is the service's (docs/adr/0016). A request's steps run on
 * its marked context, in the resource and after a database reply.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class LostRequestContextTest {

    @Inject
    Actor actor;

    @Inject
    Vertx vertx;

    @Test
    void anHttpRequestsStepsRunOnItsMarkedContextBeforeAndAfterADatabaseReply() {
        given().auth().oauth2(TestTokens.token(TestTokens.User.withoutOrganizations()))
                .when().get("/test/request-context")
                .then().statusCode(200).body(equalTo("true,true"));
    }

    @Test
    void aRequestsWorkWithoutItsRequestContextIsRefusedNotRunAsTheService() throws Exception {
        Object outcome = onNewContext(true);
        assertThat(outcome).isInstanceOf(IllegalStateException.class);
        assertThat(((IllegalStateException) outcome).getMessage()).contains("refused");
    }

    @Test
    void workOnAContextOfItsOwnIsTheServices() throws Exception {
        Object outcome = onNewContext(false);
        assertThat(outcome).isInstanceOf(Actor.Identity.class);
        assertThat(((Actor.Identity) outcome).system()).isTrue();
        assertThat(((Actor.Identity) outcome).actor()).isEqualTo("system:campaign");
    }

    /** What {@link Actor#current} answers (or throws) on a new duplicated context, marked as a request's or not. */
    private Object onNewContext(boolean request) throws Exception {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            if (request) {
                HttpRequestContexts.markCurrent();
            }
            try {
                outcome.complete(actor.current());
            } catch (RuntimeException e) {
                outcome.complete(e);
            }
        });
        return outcome.get(10, TimeUnit.SECONDS);
    }
}
