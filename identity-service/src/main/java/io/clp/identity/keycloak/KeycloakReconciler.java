package io.clp.identity.keycloak;

import io.clp.events.identity.ApiKeyCreated;
import io.clp.identity.apikey.ApiKey;
import io.clp.identity.membership.MemberRole;
import io.clp.platform.security.ApiKeyCredential;
import io.clp.platform.tx.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Brings Keycloak back in line with identity-service's tables on a schedule: every live organization
 * exists with its role groups, every active member sits in exactly their role's group, and nobody
 * else is a member; every usable API key has its Keycloak client and no revoked or expired key
 * keeps one. It repairs what the event-driven {@link OrganizationMirror} could not apply
 * (retries exhausted while Keycloak was away) and edits made in Keycloak by hand. Every step is
 * idempotent; an advisory lock keeps two instances from reconciling at the same time.
 */
@ApplicationScoped
public class KeycloakReconciler {

    private static final Logger LOG = Logger.getLogger(KeycloakReconciler.class);
    private static final long LOCK = 0x636c_705f_6b63L; // "clp_kc"

    record Org(UUID id, String name, String slug) {
    }

    record Member(UUID orgId, UUID userId, MemberRole role) {
    }

    @Inject
    OrganizationMirror mirror;

    @Inject
    Transactions transactions;

    @Inject
    ApiKeyClients apiKeyClients;

    /** Off where {@code clp.keycloak.reconcile-every=off} (tests). */
    @Scheduled(every = "${clp.keycloak.reconcile-every}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return reconcile().onFailure().invoke(e -> LOG.warnf("Keycloak reconciliation did not finish: %s", e.toString()))
                .onFailure().recoverWithNull();
    }

    /** Reads the truth under the lease, then applies it to Keycloak organization by organization. */
    public Uni<Void> reconcile() {
        Map<Org, List<Member>> truth = new HashMap<>();
        List<ApiKey> usableKeys = new ArrayList<>();
        return transactions.scoped(() -> Panache.getSession().chain(s -> s
                .createNativeQuery("SELECT pg_try_advisory_xact_lock(" + LOCK + ")", Boolean.class).getSingleResult()
                .chain(leased -> !leased ? Uni.createFrom().item(false) : s.createNativeQuery(
                                "SELECT id, name, slug FROM organizations WHERE deleted_at IS NULL", Object[].class)
                        .getResultList()
                        .chain(orgs -> s.createNativeQuery("""
                                        SELECT org_id, user_id, role::text FROM org_memberships
                                        WHERE is_active AND joined_at IS NOT NULL""", Object[].class)
                                .getResultList()
                                .map(members -> {
                                    Map<UUID, Org> byId = new HashMap<>();
                                    for (Object[] o : orgs) {
                                        Org org = new Org((UUID) o[0], (String) o[1], (String) o[2]);
                                        byId.put(org.id(), org);
                                        truth.put(org, new ArrayList<>());
                                    }
                                    for (Object[] m : members) {
                                        Org org = byId.get((UUID) m[0]);
                                        if (org != null) {
                                            truth.get(org).add(new Member(org.id(), (UUID) m[1], MemberRole.valueOf((String) m[2])));
                                        }
                                    }
                                    return true;
                                }))))
                        // the API keys are read in the same transaction: the database is only used on the event loop
                        .call(leased -> !leased ? Uni.createFrom().voidItem() : ApiKey.<ApiKey>list(
                                "tokenType = ?1 and active = true and (expiresAt is null or expiresAt > ?2)", ApiKey.TYPE, Instant.now())
                                .invoke(usableKeys::addAll)))
                .chain(leased -> !leased ? Uni.createFrom().voidItem() : Multi.createFrom().iterable(truth.entrySet())
                        .onItem().transformToUniAndConcatenate(e -> apply(e.getKey(), e.getValue())
                                .onFailure().invoke(f -> LOG.warnf("could not reconcile organization %s: %s", e.getKey().id(), f))
                                .onFailure().recoverWithNull())
                        .collect().last()
                        .chain(() -> reconcileApiKeys(usableKeys))
                        .replaceWithVoid());
    }

    /**
     * Every usable API key has its client and no other key does: a revoked key whose deletion was
     * missed, or a key that expired, loses its client here.
     */
    Uni<Void> reconcileApiKeys(List<ApiKey> keys) {
        return apiKeyClients.existing().chain(existing -> {
                    Set<String> wanted = new HashSet<>();
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (ApiKey key : keys) {
                        String clientId = ApiKeyCredential.clientIdOf(key.prefix);
                        wanted.add(clientId);
                        if (!existing.contains(clientId) && key.publicJwk != null) {
                            ApiKeyCreated created = new ApiKeyCreated(key.id, key.orgId, key.userId, key.name, key.prefix, clientId,
                                    List.copyOf(key.scopes), key.expiresAt, key.publicJwk, key.createdAt);
                            chain = chain.chain(() -> apiKeyClients.ensure(created));
                        }
                    }
                    for (String clientId : existing) {
                        if (!wanted.contains(clientId)) {
                            chain = chain.chain(() -> apiKeyClients.remove(clientId));
                        }
                    }
                    return chain;
                })
                .onFailure().invoke(e -> LOG.warnf("could not reconcile API key clients: %s", e.toString()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> apply(Org org, List<Member> members) {
        return mirror.ensureOrganization(org.id(), org.name(), org.slug())
                .chain(kcOrg -> mirror.ensureRoleGroups(kcOrg).chain(groups -> {
                    Set<String> active = new HashSet<>();
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Member m : members) {
                        active.add(m.userId().toString());
                        chain = chain.chain(() -> mirror.placeMember(kcOrg, groups, m.userId().toString(), m.role()));
                    }
                    return chain.chain(() -> mirror.removeOthers(kcOrg, active));
                }));
    }
}
