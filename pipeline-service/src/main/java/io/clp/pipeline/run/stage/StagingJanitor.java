package io.clp.pipeline.run.stage;

import io.agroal.api.AgroalDataSource;
import io.clp.platform.tx.JdbcScope;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Drops what executions leave behind once they no longer need it: staging tables and bronze files of executions
 * that completed or failed more than {@code clp.pipelines.staging.retention-days} ago, of cancelled executions, and
 * of executions that no longer exist (orphans). Until then a failed execution can be resumed from bronze.
 */
@ApplicationScoped
public class StagingJanitor {

    private static final Logger LOG = Logger.getLogger(StagingJanitor.class);

    private final AgroalDataSource dataSource;
    private final String schema;
    private final BronzeStore bronze;
    private final int retentionDays;

    StagingJanitor(AgroalDataSource dataSource, @ConfigProperty(name = "clp.service.name") String schema,
                   @ConfigProperty(name = "clp.pipelines.bronze.dir") Path bronzeDir,
                   @ConfigProperty(name = "clp.pipelines.staging.retention-days", defaultValue = "7") int retentionDays) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.bronze = new BronzeStore(bronzeDir);
        this.retentionDays = retentionDays;
    }

    @Scheduled(identity = "staging-janitor", every = "${clp.pipelines.staging.janitor-every:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            sweep(Duration.ofDays(retentionDays));
        } catch (SQLException | IOException e) {
            LOG.warn("the staging janitor failed; it tries again at its next tick", e);
        }
    }

    /** Drops the staging tables and bronze files of executions finished before {@code olderThan}; returns how many. */
    public int sweep(Duration olderThan) throws SQLException, IOException {
        int swept = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            JdbcScope.system(c);
            Set<UUID> candidates = new TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT relname FROM pg_class WHERE relnamespace = "
                    + "to_regnamespace(?) AND relkind IN ('r', 'v') AND relname ~ ?")) {
                ps.setString(1, schema);
                ps.setString(2, "^" + Staging.NAME.pattern() + "$");
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(Staging.executionOf(rs.getString(1)));
                    }
                }
            }
            Set<UUID> bronzeDirs = new HashSet<>();
            Path root = bronze.root();
            if (Files.isDirectory(root)) {
                try (DirectoryStream<Path> orgs = Files.newDirectoryStream(root)) {
                    for (Path org : orgs) {
                        if (!Files.isDirectory(org)) {
                            continue;
                        }
                        try (DirectoryStream<Path> executions = Files.newDirectoryStream(org)) {
                            for (Path execution : executions) {
                                UUID id = uuidOrNull(execution.getFileName().toString());
                                if (id != null) {
                                    bronzeDirs.add(id);
                                    candidates.add(id);
                                }
                            }
                        }
                    }
                }
            }
            for (UUID executionId : candidates) {
                if (!expired(c, executionId, olderThan)) {
                    continue;
                }
                Staging.of(schema, executionId).drop(c);
                try (PreparedStatement ps = c.prepareStatement("UPDATE ingestion_runs SET staging_dropped_at = now() "
                        + "WHERE execution_id = ? AND staging_dropped_at IS NULL")) {
                    ps.setObject(1, executionId);
                    ps.executeUpdate();
                }
                c.commit();
                JdbcScope.system(c);
                if (bronzeDirs.contains(executionId) && Files.isDirectory(root)) {
                    try (DirectoryStream<Path> orgs = Files.newDirectoryStream(root)) {
                        for (Path org : orgs) {
                            BronzeStore.delete(org.resolve(executionId.toString()));
                        }
                    }
                }
                swept++;
            }
            c.commit();
        }
        if (swept > 0) {
            LOG.infof("dropped the staging tables and bronze files of %d finished or deleted executions", swept);
        }
        return swept;
    }

    private static boolean expired(Connection c, UUID executionId, Duration olderThan) throws SQLException {
        // a cancelled execution is never resumed nor retried: what it left goes at once (one cancelled while pending,
        // after an attempt that had run stages, had no executor to clean up after it)
        try (PreparedStatement ps = c.prepareStatement("SELECT status = 'cancelled' OR (status IN ('completed', 'failed') "
                + "AND coalesce(completed_at, created_at) < now() - make_interval(secs => ?)) FROM etl_executions WHERE id = ?")) {
            ps.setDouble(1, olderThan.toSeconds());
            ps.setObject(2, executionId);
            try (ResultSet rs = ps.executeQuery()) {
                return !rs.next() || rs.getBoolean(1);
            }
        }
    }

    private static UUID uuidOrNull(String name) {
        try {
            return name.length() == 36 ? UUID.fromString(name) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
