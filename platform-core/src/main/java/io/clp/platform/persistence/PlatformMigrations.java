package io.clp.platform.persistence;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.ClassProvider;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.migration.JavaMigration;
import org.flywaydb.core.api.resource.LoadableResource;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * platform-core's migrations (db/platform, V0_n) and a service's own (db/migration, V1+) share the
 * service's schema but not a history: the platform's are recorded in {@value #HISTORY_TABLE}, the
 * service's in Flyway's usual table. With one history, every platform migration sorted before the
 * service's V1 and Flyway refused any new one on a database that had already applied V1.
 * <p>
 * Order at every start: adopt the platform rows of a database made before the split, apply pending
 * platform migrations, then the service's. A service migration may therefore use any platform
 * object; a platform migration must not depend on a service's tables.
 */
public final class PlatformMigrations {

    public static final String HISTORY_TABLE = "platform_schema_history";
    public static final String DEFAULT_LOCATION = "db/platform";
    /** Platform versions are 0.n; a service's start at 1. */
    static final String PLATFORM_VERSIONS = "0.%";

    private static final Logger LOG = Logger.getLogger(PlatformMigrations.class);
    private static final ClassProvider<JavaMigration> NO_JAVA_MIGRATIONS = List::of;

    private PlatformMigrations() {
    }

    /**
     * Brings the platform part of the schema {@code service} points at up to date, then narrows
     * {@code service} to the service's own migrations (every location but {@code platformLocations})
     * and lets it start its history on a schema that already holds the platform's tables.
     *
     * @param service           the service's Flyway configuration, its locations including the platform's
     * @param platformLocations where the platform's migrations are (normally {@value #DEFAULT_LOCATION})
     */
    public static void applyBefore(FluentConfiguration service, Collection<String> platformLocations) {
        List<String> platformPaths = platformLocations.stream().map(PlatformMigrations::path).toList();
        Predicate<String> isPlatform = resourcePath -> platformPaths.stream()
                .anyMatch(p -> path(resourcePath).startsWith(p + "/"));

        FluentConfiguration platform = Flyway.configure(service.getClassLoader())
                .configuration(service)
                .table(HISTORY_TABLE)
                .target("latest")
                .baselineOnMigrate(false)
                .javaMigrationClassProvider(NO_JAVA_MIGRATIONS);
        ResourceProvider resources = service.getResourceProvider();
        if (resources != null) {
            // Quarkus lists the migration files at build time, for every configured location at once
            platform.resourceProvider(new Only(resources, isPlatform));
            service.resourceProvider(new Only(resources, isPlatform.negate()));
        } else {
            platform.locations(platformLocations.toArray(String[]::new));
            service.locations(Arrays.stream(service.getLocations())
                    .filter(l -> !platformPaths.contains(path(l.getPath())))
                    .toArray(Location[]::new));
        }

        String schema = schemaOf(service);
        adoptPlatformRows(service, schema);
        platform.load().migrate();
        // the schema is not empty any more (platform tables), but nothing of the service is applied yet
        service.baselineOnMigrate(true)
                .baselineVersion("0")
                // Flyway writes the description into SQL unescaped: no quotes in it
                .baselineDescription("service migrations start after those in " + HISTORY_TABLE);
    }

    /**
     * A database made before the split has the platform's V0_n rows in the service's history, among the
     * service's own. They are moved, checksums and all, into the platform history in one transaction,
     * so the platform history continues from them and the service's history validates without them.
     * Serialised by a lock on the service's history: a second instance starting at the same time finds
     * nothing left to move.
     */
    static void adoptPlatformRows(FluentConfiguration service, String schema) {
        String serviceHistory = quote(schema) + "." + quote(service.getTable());
        String platformHistory = quote(schema) + "." + quote(HISTORY_TABLE);
        try (Connection c = service.getDataSource().getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                if (!exists(c, serviceHistory)) {
                    c.rollback();
                    return;
                }
                st.execute("LOCK TABLE " + serviceHistory + " IN SHARE ROW EXCLUSIVE MODE");
                long rows = count(c, "SELECT count(*) FROM " + serviceHistory + " WHERE version LIKE '" + PLATFORM_VERSIONS + "'");
                if (rows == 0) {
                    c.rollback();
                    return;
                }
                st.execute("CREATE TABLE IF NOT EXISTS " + platformHistory + " (LIKE " + serviceHistory + " INCLUDING ALL)");
                st.execute("INSERT INTO " + platformHistory + " (installed_rank, version, description, type, script, checksum,"
                        + " installed_by, installed_on, execution_time, success)"
                        + " SELECT (SELECT coalesce(max(installed_rank), 0) FROM " + platformHistory + ")"
                        + " + row_number() OVER (ORDER BY installed_rank), version, description, type, script, checksum,"
                        + " installed_by, installed_on, execution_time, success"
                        + " FROM " + serviceHistory + " WHERE version LIKE '" + PLATFORM_VERSIONS + "'");
                st.execute("DELETE FROM " + serviceHistory + " WHERE version LIKE '" + PLATFORM_VERSIONS + "'");
                c.commit();
                LOG.infof("Moved %d platform migration(s) of schema %s from %s to %s", rows, schema, service.getTable(), HISTORY_TABLE);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new FlywayException("could not move the platform migrations of schema " + schema + " to " + HISTORY_TABLE
                    + ": " + e.getMessage(), e);
        }
    }

    private static String schemaOf(FluentConfiguration service) {
        if (service.getDefaultSchema() != null) {
            return service.getDefaultSchema();
        }
        if (service.getSchemas().length > 0) {
            return service.getSchemas()[0];
        }
        throw new FlywayException("platform migrations need the service's schema (flyway default-schema or schemas)");
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** A location or resource path without a classpath: prefix or surrounding slashes. */
    private static String path(String location) {
        String p = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** The part of a resource list that is one history's. */
    private record Only(ResourceProvider all, Predicate<String> accepts) implements ResourceProvider {

        @Override
        public LoadableResource getResource(String name) {
            LoadableResource resource = all.getResource(name);
            return resource != null && accepts.test(resource.getAbsolutePath()) ? resource : null;
        }

        @Override
        public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
            return all.getResources(prefix, suffixes).stream().filter(r -> accepts.test(r.getAbsolutePath())).toList();
        }
    }
}
