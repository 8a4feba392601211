package io.clp.identity.keycloak;

import io.clp.tenancy.security.ApiKeyCredential;
import io.clp.platform.tx.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records when each API key was last used. Every service exchanges a key for a token at Keycloak
 * (at most once per key and instance every 30 s), and Keycloak stores a {@code CLIENT_LOGIN} event
 * for each exchange; this job reads the newest of those events and moves {@code last_used_at}
 * forward. So "last used" is accurate to about a minute, and no request waits for it.
 */
@ApplicationScoped
public class ApiKeyUsage {

    private static final Logger LOG = Logger.getLogger(ApiKeyUsage.class);
    /** Events read per pass; older events of a busy minute are covered by newer ones of the same key. */
    static final int PAGE = 1000;

    static final String TOUCH = """
            UPDATE auth_tokens SET last_used_at = ?2
            WHERE token_type = 'api_key' AND token_prefix = ?1 AND (last_used_at IS NULL OR last_used_at < ?2)
            """;

    private final KeycloakAdminApi keycloak;
    private final Transactions transactions;
    private final String realm;

    private volatile long seenUpTo;

    ApiKeyUsage(@RestClient KeycloakAdminApi keycloak, Transactions transactions, KeycloakConfig config) {
        this.keycloak = keycloak;
        this.transactions = transactions;
        this.realm = config.realm();
    }

    /** Off where {@code clp.api-keys.usage-every=off} (tests). */
    @Scheduled(every = "${clp.api-keys.usage-every}", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return record().onFailure().invoke(e -> LOG.warnf("could not read API key usage from Keycloak: %s", e.toString()))
                .onFailure().recoverWithNull();
    }

    public Uni<Void> record() {
        return keycloak.events(realm, "CLIENT_LOGIN", 0, PAGE).chain(events -> {
            Map<String, Long> newest = newestPerPrefix(events, seenUpTo);
            long high = events.stream().mapToLong(ApiKeyUsage::time).max().orElse(seenUpTo);
            if (newest.isEmpty()) {
                seenUpTo = Math.max(seenUpTo, high);
                return Uni.createFrom().voidItem();
            }
            return transactions.write(() -> Panache.getSession().chain(session -> {
                Uni<Void> chain = Uni.createFrom().voidItem();
                for (Map.Entry<String, Long> e : newest.entrySet()) {
                    chain = chain.chain(() -> session.createNativeQuery(TOUCH)
                            .setParameter(1, e.getKey())
                            .setParameter(2, Instant.ofEpochMilli(e.getValue()).truncatedTo(ChronoUnit.MICROS))
                            .executeUpdate().replaceWithVoid());
                }
                return chain;
            })).invoke(() -> seenUpTo = Math.max(seenUpTo, high));
        });
    }

    /** The newest use after {@code after} (epoch ms) of each key prefix among the events. */
    static Map<String, Long> newestPerPrefix(List<Map<String, Object>> events, long after) {
        Map<String, Long> newest = new HashMap<>();
        for (Map<String, Object> event : events) {
            Object client = event.get("clientId");
            long time = time(event);
            if (client instanceof String id && id.startsWith(ApiKeyCredential.CLIENT_PREFIX) && time > after) {
                newest.merge(id.substring(ApiKeyCredential.CLIENT_PREFIX.length()), time, Math::max);
            }
        }
        return newest;
    }

    private static long time(Map<String, Object> event) {
        return event.get("time") instanceof Number n ? n.longValue() : 0L;
    }
}
