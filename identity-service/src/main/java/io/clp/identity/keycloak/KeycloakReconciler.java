package io.clp.identity.keycloak;

import io.clp.identity.keycloak.ApiKeyClients.KcClient;
import io.clp.identity.keycloak.IdentityTruth.Key;
import io.clp.identity.keycloak.IdentityTruth.OrgState;
import io.clp.identity.keycloak.KeycloakOrganizations.Gate;
import io.clp.identity.keycloak.KeycloakOrganizations.Outcome;
import io.clp.tenancy.security.ApiKeyCredential;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Brings Keycloak back in line with identity-service's tables on a schedule, repairing what the
 * event-driven mirrors ({@link KeycloakMirror}) could not apply (retries exhausted while Keycloak was away)
 * and edits made in Keycloak by hand: organizations (deleted ones disabled), their role groups and
 * members, invitees' accounts, and the clients of API keys.
 *
 * <p>A pass holds the {@link ReconcilerLease} from start to end, so two instances never act at once.
 * It reads the tables once at its start, then Keycloak, and acts only on differences. Just before
 * acting for an organization or a key it reads that organization's or key's rows again and leaves
 * alone anything that changed since the pass began (the change's own event applies it), so a
 * removal, demotion or revocation made during a pass is never undone by it. From that re-read to its
 * last write for the organization or key it holds the entity's {@link MirrorLocks lock}, which the
 * mirror takes too: a change committed after the re-read waits for the pass to let go and is then
 * applied by its event with the newer rows, so the re-read stays the truth for the whole act.
 */
@ApplicationScoped
public class KeycloakReconciler {

    private static final Logger LOG = Logger.getLogger(KeycloakReconciler.class);

    /** What one pass did; empty when another instance held the lease. */
    public record Pass(int organizationsChanged, int organizationsSkipped, int keysChanged, int keysSkipped, int failures) {
    }

    private final KeycloakOrganizations organizations;
    private final ApiKeyClients apiKeyClients;
    private final IdentityTruth truth;
    private final ReconcilerLease lease;
    private final KeycloakAdminApi keycloak;
    private final KeycloakPages pages;
    private final MirrorLocks locks;
    private final String realm;

    private volatile Function<UUID, Uni<Void>> beforeAct = id -> Uni.createFrom().voidItem();
    private volatile Function<UUID, Uni<Void>> beforeWrite = id -> Uni.createFrom().voidItem();

    public KeycloakReconciler(KeycloakOrganizations organizations, ApiKeyClients apiKeyClients, IdentityTruth truth,
                              ReconcilerLease lease, @RestClient KeycloakAdminApi keycloak, KeycloakPages pages, MirrorLocks locks,
                              KeycloakConfig config) {
        this.organizations = organizations;
        this.apiKeyClients = apiKeyClients;
        this.truth = truth;
        this.lease = lease;
        this.keycloak = keycloak;
        this.pages = pages;
        this.locks = locks;
        this.realm = config.realm();
    }

    /**
     * Runs {@code hook} between reading Keycloak's state for an organization or key (by id) and
     * re-reading its rows to act: a seam for tests that change the rows while a pass is in flight.
     */
    void beforeAct(Function<UUID, Uni<Void>> hook) {
        this.beforeAct = hook;
    }

    /**
     * Runs {@code hook} after an organization's rows were re-read and accepted, just before the
     * round's write calls: a seam for tests that change the rows while the pass holds the lock.
     */
    void beforeWrite(Function<UUID, Uni<Void>> hook) {
        this.beforeWrite = hook;
    }

    /** Off where {@code clp.keycloak.reconcile-every=off} (tests). */
    @Scheduled(every = "${clp.keycloak.reconcile-every}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return reconcile()
                .invoke(pass -> pass.ifPresentOrElse(p -> LOG.debugf("Keycloak reconciliation: %s", p),
                        () -> LOG.debug("Keycloak reconciliation skipped: another instance holds the lease")))
                .onFailure().invoke(e -> LOG.warnf("Keycloak reconciliation did not finish: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One pass under the lease; empty when another instance is running one. */
    public Uni<Optional<Pass>> reconcile() {
        return lease.whileHeld(this::pass);
    }

    private Uni<Pass> pass(ReconcilerLease.Held held) {
        Counts counts = new Counts();
        return truth.organizations().chain(orgsAtStart -> truth.keys().chain(keysAtStart -> kcOrganizations()
                .chain(kcOrgs -> reconcileOrganizations(held, orgsAtStart, kcOrgs, counts))
                .chain(() -> apiKeyClients.existing())
                .chain(clients -> reconcileKeys(held, keysAtStart, clients, counts))))
                .map(v -> counts.pass());
    }

    /** The clp_org_id of every Keycloak organization that has one, with whether it is enabled. */
    private Uni<Map<UUID, Boolean>> kcOrganizations() {
        return pages.all((first, max) -> keycloak.organizations(realm, first, max, false)).map(all -> {
            Map<UUID, Boolean> enabled = new java.util.HashMap<>();
            for (Map<String, Object> org : all) {
                UUID id = KeycloakOrganizations.clpOrgId(org);
                if (id != null) {
                    enabled.put(id, !Boolean.FALSE.equals(org.get("enabled")));
                }
            }
            return enabled;
        });
    }

    private Uni<Void> reconcileOrganizations(ReconcilerLease.Held held, Map<UUID, OrgState> atStart, Map<UUID, Boolean> kcOrgs,
                                             Counts counts) {
        Set<UUID> ids = new LinkedHashSet<>();
        atStart.forEach((id, state) -> {
            // a deleted organization needs a look only while Keycloak still has it enabled
            if (state.live() || Boolean.TRUE.equals(kcOrgs.get(id))) {
                ids.add(id);
            }
        });
        kcOrgs.forEach((id, enabled) -> {
            if (enabled) {
                ids.add(id);
            }
        });
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (UUID id : ids) {
            Gate gate = new Gate(orgId -> beforeAct.apply(orgId),
                    (orgId, now) -> Objects.equals(now, atStart.getOrDefault(orgId, new OrgState(orgId, null, Map.of(), java.util.List.of()))),
                    () -> held.check().chain(() -> beforeWrite.apply(id)));
            chain = chain.chain(() -> held.check().chain(() -> organizations.sync(id, gate))
                    .invoke(outcome -> counts.organization(outcome))
                    .onFailure(e -> !(e instanceof ReconcilerLease.LeaseLost)).recoverWithItem(e -> {
                        LOG.warnf("could not reconcile organization %s with Keycloak: %s", id, e.toString());
                        counts.failures++;
                        return null;
                    })
                    .replaceWithVoid());
        }
        return chain;
    }

    /**
     * Every usable key has its client and no other key does: a revoked key whose deletion was missed,
     * an expired key, or a key of a deleted organization loses its client here.
     */
    private Uni<Void> reconcileKeys(ReconcilerLease.Held held, Map<UUID, Key> atStart, Map<String, KcClient> clients, Counts counts) {
        Instant now = Instant.now();
        Map<UUID, KcClient> due = new java.util.LinkedHashMap<>();
        Map<String, Key> byClientId = new java.util.HashMap<>();
        atStart.values().forEach(k -> {
            if (k.prefix() != null) {
                byClientId.put(ApiKeyCredential.clientIdOf(k.prefix()), k);
            }
        });
        for (Key key : atStart.values()) {
            if (key.usable(now) && !clients.containsKey(ApiKeyCredential.clientIdOf(key.prefix()))) {
                due.put(key.id(), null);
            }
        }
        for (KcClient client : clients.values()) {
            UUID keyId = client.keyId();
            Key key = keyId != null ? atStart.get(keyId) : byClientId.get(client.clientId());
            if (key == null || !key.usable(now)) {
                if (keyId == null) {
                    // not one of ours by its attribute; delete it under the id of the key it is named after, if any
                    keyId = key != null ? key.id() : null;
                }
                if (keyId != null) {
                    due.put(keyId, client);
                } else {
                    LOG.warnf("Keycloak client %s names no API key: left alone", client.clientId());
                }
            }
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<UUID, KcClient> entry : due.entrySet()) {
            UUID keyId = entry.getKey();
            chain = chain.chain(() -> held.check().chain(() -> locks.key(keyId, () -> beforeAct.apply(keyId)
                    .chain(() -> truth.key(keyId))
                    .chain(fresh -> {
                        if (!Objects.equals(fresh, atStart.get(keyId))) {
                            LOG.debugf("API key %s changed since the reconciliation began: left to its events", keyId);
                            counts.keysSkipped++;
                            return Uni.createFrom().voidItem();
                        }
                        return held.check()
                                .chain(() -> entry.getValue() == null ? apiKeyClients.syncHeld(keyId, null)
                                        : apiKeyClients.apply(keyId, fresh, adopt(entry.getValue(), keyId))
                                                .chain(acted -> apiKeyClients.syncHeld(keyId, entry.getValue().clientId())))
                                .invoke(() -> counts.keysChanged++);
                    })))
                    .onFailure(e -> !(e instanceof ReconcilerLease.LeaseLost)).recoverWithItem(e -> {
                        LOG.warnf("could not reconcile the Keycloak client of API key %s: %s", keyId, e.toString());
                        counts.failures++;
                        return null;
                    }));
        }
        return chain;
    }

    /** A client that names no key by attribute is treated as the client of the key it is named after. */
    private static KcClient adopt(KcClient client, UUID keyId) {
        return client.keyId() != null ? client : new KcClient(client.id(), client.clientId(), keyId);
    }

    private static final class Counts {
        int organizationsChanged;
        int organizationsSkipped;
        int keysChanged;
        int keysSkipped;
        int failures;

        void organization(Outcome outcome) {
            if (outcome == Outcome.CHANGED) {
                organizationsChanged++;
            } else if (outcome == Outcome.SKIPPED) {
                organizationsSkipped++;
            }
        }

        Pass pass() {
            return new Pass(organizationsChanged, organizationsSkipped, keysChanged, keysSkipped, failures);
        }
    }
}
