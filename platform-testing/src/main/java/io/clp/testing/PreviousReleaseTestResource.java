package io.clp.testing;

import io.clp.launcher.ServiceCatalog;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A service's database as the previous release left it, for upgrade tests: in a database of its own,
 * the platform migrations of that release (clp-previous-release/db/platform, copies of the files as they
 * were) and the service's migrations up to {@code service-version}, all in one Flyway history as that
 * release ran them; then the init arg {@code seed} (a classpath SQL file, run as superuser) writes the
 * data that must survive. The service under test then starts on it as {@link PlatformTestResource} does.
 * Init args: {@code service}, {@code database}, {@code service-version}, {@code seed}.
 */
public class PreviousReleaseTestResource extends PlatformTestResource {

    /** Where the previous release kept platform-core's migrations (they ran in the service's history). */
    public static final String PLATFORM_LOCATION = "classpath:clp-previous-release/db/platform";

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
                .locations(PLATFORM_LOCATION, "classpath:db/migration")
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

    private static String read(String resource) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no seed " + resource + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
