package io.clp.platform.persistence;

import io.quarkus.flyway.FlywayConfigurationCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import java.util.List;

/**
 * Runs the platform's migrations, in their own history, before the service's: Quarkus builds the
 * service's Flyway from this configuration just before {@code quarkus.flyway.migrate-at-start} runs it,
 * which is the last moment before the service's migrations and Hibernate's schema validation. See
 * {@link PlatformMigrations}.
 */
@ApplicationScoped
public class PlatformMigrationsFirst implements FlywayConfigurationCustomizer {

    private final List<String> platformLocations;

    public PlatformMigrationsFirst(
            @ConfigProperty(name = "clp.flyway.platform-locations", defaultValue = PlatformMigrations.DEFAULT_LOCATION)
            List<String> platformLocations) {
        this.platformLocations = platformLocations;
    }

    @Override
    public void customize(FluentConfiguration configuration) {
        PlatformMigrations.applyBefore(configuration, platformLocations);
    }
}
