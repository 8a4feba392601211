package io.clp.audit.trail;

import io.clp.platform.retention.PrunedTable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

/**
 * audit-service's copies of the services' transaction contexts only matter until the changes of
 * their transaction have arrived (seconds); they are pruned with the platform's bookkeeping rows.
 */
@ApplicationScoped
public class ContextRetention {

    @ConfigProperty(name = "clp.retention.transaction-context", defaultValue = "P7D")
    Duration retention;

    @Produces
    @Singleton
    PrunedTable contextCopies() {
        return new PrunedTable("transaction_contexts", "id", "created_at", retention);
    }
}
