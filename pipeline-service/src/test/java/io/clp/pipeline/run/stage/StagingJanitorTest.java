package io.clp.pipeline.run.stage;

import io.agroal.api.AgroalDataSource;
import io.clp.pipeline.PipelineFixtures;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class StagingJanitorTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    StagingJanitor janitor;

    @ConfigProperty(name = "clp.pipelines.bronze.dir")
    Path bronzeDir;

    @Test
    void stagingTablesAndBronzeOfOrphanedAndLongFinishedExecutionsAreDroppedAndRunningOnesKept() throws Exception {
        UUID org = PipelineFixtures.organization();
        UUID pipeline = PipelineFixtures.manual(org, "active");
        UUID orphan = UUID.randomUUID();
        UUID finished = PipelineFixtures.execution(pipeline, "scheduled", "completed");
        TestDatabase.execute("UPDATE pipeline.etl_executions SET completed_at = now() - interval '10 days' WHERE id = ?", finished);
        UUID recent = PipelineFixtures.execution(pipeline, "scheduled", "failed");
        TestDatabase.execute("UPDATE pipeline.etl_executions SET completed_at = now() - interval '1 hour' WHERE id = ?", recent);
        UUID running = PipelineFixtures.execution(pipeline, "scheduled", "running");
        // cancelled a minute ago while pending, after an attempt had run bronze: nothing will ever read it again
        UUID cancelled = PipelineFixtures.execution(pipeline, "manual", "cancelled");
        TestDatabase.execute("UPDATE pipeline.etl_executions SET completed_at = now() - interval '1 minute' WHERE id = ?", cancelled);
        for (UUID execution : new UUID[] {orphan, finished, recent, running, cancelled}) {
            try (Connection c = dataSource.getConnection()) {
                Staging.of("pipeline", execution).create(c);
            }
            Files.createDirectories(bronzeDir.resolve(org.toString()).resolve(execution.toString()));
            Files.writeString(bronzeDir.resolve(org.toString()).resolve(execution.toString()).resolve("1.csv"), "date\n");
        }

        assertThat(janitor.sweep(Duration.ofDays(7))).isGreaterThanOrEqualTo(3);

        assertThat(exists(orphan)).as("an execution that no longer exists").isFalse();
        assertThat(exists(finished)).as("finished 10 days ago").isFalse();
        assertThat(exists(recent)).as("failed an hour ago: it may still be resumed").isTrue();
        assertThat(exists(running)).isTrue();
        assertThat(exists(cancelled)).as("cancelled: never resumed nor retried").isFalse();
        assertThat(Files.exists(bronzeDir.resolve(org.toString()).resolve(cancelled.toString()))).isFalse();
        assertThat(Files.exists(bronzeDir.resolve(org.toString()).resolve(finished.toString()))).isFalse();
        assertThat(Files.exists(bronzeDir.resolve(org.toString()).resolve(orphan.toString()))).isFalse();
        assertThat(Files.exists(bronzeDir.resolve(org.toString()).resolve(recent.toString()).resolve("1.csv"))).isTrue();
    }

    private static boolean exists(UUID execution) {
        return TestDatabase.text("SELECT to_regclass(?)::text", Staging.of("pipeline", execution).rows()) != null;
    }
}
