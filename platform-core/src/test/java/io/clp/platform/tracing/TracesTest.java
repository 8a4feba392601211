package io.clp.platform.tracing;

import io.clp.platform.messaging.EventDelivery;
import io.clp.platform.messaging.EventSettings;
import io.opentelemetry.api.trace.SpanContext;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TracesTest {

    private static final String CALLER = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final Vertx VERTX = Vertx.vertx();

    @AfterAll
    static void close() {
        VERTX.close();
    }

    @Test
    void aWellFormedTraceparentIsContinuedAsAChildInTheSameTrace() {
        SpanContext step = Traces.continueOrStart(CALLER);
        assertThat(step.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(step.getSpanId()).isNotEqualTo("b7ad6b7169203331").hasSize(16);
        assertThat(Traces.format(step)).matches("00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01");
    }

    @Test
    void aMalformedTraceparentStartsANewTraceInsteadOfBeingCarriedOn() {
        for (String bad : new String[]{"00-00000000000000000000000000000000-b7ad6b7169203331-01", "garbage",
                "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\nx-injected: 1", ""}) {
            assertThat(Traces.parse(bad)).as(bad).isEmpty();
            String started = Traces.format(Traces.continueOrStart(bad));
            assertThat(started).as(bad).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00").doesNotContain("0af7651916cd43dd8448eb211c80319c");
        }
    }

    @Test
    void workOutsideARequestOrMessagePublishesWithATraceOfItsOwn() {
        assertThat(Traces.current()).isEmpty();
        assertThat(Traces.parse(Traces.forEvent())).isPresent();
        assertThat(Traces.forEvent()).isNotEqualTo(Traces.forEvent());
    }

    /** What the work of a delivered message would write into the outbox. */
    private static String publishedWhileHandling(String traceparent) throws Exception {
        EventDelivery delivery = new EventDelivery(settings(Duration.ofSeconds(1), Duration.ofMillis(10)),
                ConfigProvider.getConfig());
        ConsumerRecord<String, String> record = new ConsumerRecord<>("clp.events.organization", 0, 0, "key", "{}");
        if (traceparent != null) {
            record.headers().add(Traces.HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
        }
        Message<String> message = Message.of("{}", Metadata.of(new IncomingKafkaRecordMetadata<>(record, "organizations")));
        CompletableFuture<String> published = new CompletableFuture<>();
        Context messageContext = VertxContext.createNewDuplicatedContext(VERTX.getOrCreateContext());
        messageContext.runOnContext(v -> delivery.deliver(message, "test", () -> {
            published.complete(Traces.forEvent());
            return Uni.createFrom().voidItem();
        }));
        return published.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anEventPublishedWhileHandlingAnEventContinuesItsTrace() throws Exception {
        assertThat(Traces.parse(publishedWhileHandling(CALLER)).orElseThrow().getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    }

    @Test
    void anEventWithoutATraceDoesNotInheritAnotherMessagesTrace() throws Exception {
        publishedWhileHandling(CALLER);
        assertThat(publishedWhileHandling(null)).doesNotContain("0af7651916cd43dd8448eb211c80319c");
    }

    /** Handler retries as given; the rest of the settings are not read by a delivery. */
    private static EventSettings settings(Duration within, Duration backOff) {
        return new EventSettings() {
            @Override
            public Retry retry() {
                return new Retry() {
                    @Override
                    public Duration within() {
                        return within;
                    }

                    @Override
                    public Duration firstBackOff() {
                        return backOff;
                    }

                    @Override
                    public Duration maxBackOff() {
                        return backOff;
                    }
                };
            }

            @Override
            public DelayedRetry delayedRetry() {
                throw new UnsupportedOperationException();
            }

            @Override
            public DeadLetters deadLetters() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Duration topicRetention() {
                throw new UnsupportedOperationException();
            }
        };
    }
}
