package io.clp.testing;

import io.clp.launcher.ServiceCatalog;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * A service's database as the previous release left it, for upgrade tests: in a database of its own,
 * the platform migrations of that release ({@link #RELEASED_PLATFORM_MIGRATIONS}, read from platform-core:
 * a released migration never changes, Flyway's checksums see to it) and the service's migrations up to
 * {@code service-version}, all in one Flyway history as that release ran them; then the init arg {@code seed} (a classpath SQL file, run as superuser) writes the
 * data that must survive. The service under test then starts on it as {@link PlatformTestResource} does.
 * Init args: {@code service}, {@code database}, {@code service-version}, {@code seed}.
 */
public class PreviousReleaseTestResource extends PlatformTestResource {

    /** platform-core's migrations in the previous release (they ran in the service's own history). */
    public static final List<String> RELEASED_PLATFORM_MIGRATIONS = List.of(
            "V0_1__platform_tables.sql", "V0_2__row_level_security.sql", "V0_3__entity_grant_refs.sql",
            "V0_4__organization_refs.sql", "V0_5__quota_enforcement.sql", "V0_6__retention_indexes.sql",
            "V0_7__organization_ref_versions.sql");

    private String service;
    private String database;
    private String serviceVersion;
    private String seed;

    @Override
    public void init(Map<String, String> initArgs) {
        super.init(initArgs);
        service = initArgs.get("service");
        database = initArgs.get("database");
        serviceVersion = initArgs.get("service-version");
        seed = initArgs.get("seed");
        if (database == null || database.equals(TestPostgres.DATABASE) || serviceVersion == null) {
            throw new IllegalArgumentException("PreviousReleaseTestResource needs a database of its own and the service-version");
        }
    }

    @Override
    public Map<String, String> start() {
        TestPostgres postgres = TestPostgres.get();
        String schema = ServiceCatalog.schema(service);
        String password = postgres.prepareService(service, database);
        try (Connection c = postgres.server().connect(database); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        postgres.prepareService(service, database);
        Flyway.configure(PreviousReleaseTestResource.class.getClassLoader())
                .dataSource(postgres.server().jdbcUrl(database), postgres.role(service), password)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(false)
                .locations("filesystem:" + releasedPlatformMigrations(), "classpath:db/migration")
                .target(serviceVersion)
                .load()
                .migrate();
        if (seed != null) {
            try (Connection c = postgres.server().connect(database); Statement st = c.createStatement()) {
                st.execute(read(seed));
            } catch (SQLException e) {
                throw new IllegalStateException("seed " + seed + " failed: " + e.getMessage(), e);
            }
        }
        return super.start();
    }

    /** A folder holding the previous release's platform migrations, and only those. */
    private static Path releasedPlatformMigrations() {
        try {
            Path folder = Files.createTempDirectory("clp-previous-release");
            for (String name : RELEASED_PLATFORM_MIGRATIONS) {
                Files.writeString(folder.resolve(name), read("db/platform/" + name));
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(String resource) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no " + resource + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
