package io.clp.audit.trail;

import io.clp.platform.retention.PrunedTable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

/**
 * audit-service's copies of the services' transaction contexts only matter until the changes of
 * their transaction have arrived (seconds); they are pruned with the platform's bookkeeping rows,
 * after the retention of a service's own contexts. The setting belongs to platform-core's
 * {@code clp.retention} group, so it is read as one property rather than through a
 * {@code @ConfigMapping} of its own: a mapping must claim every property under its prefix.
 */
@ApplicationScoped
public class ContextRetention {

    private final Duration retention;

    ContextRetention(@ConfigProperty(name = "clp.retention.transaction-context", defaultValue = "P7D") Duration retention) {
        this.retention = retention;
    }

    @Produces
    @Singleton
    PrunedTable contextCopies() {
        return new PrunedTable("transaction_contexts", "id", "created_at", retention);
    }
}
