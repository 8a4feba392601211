package io.clp.identity.apikey;

import io.clp.identity.model.ApiKey;

import io.clp.events.identity.ApiKeyCreated;
import io.clp.events.identity.ApiKeyRevoked;
import io.clp.identity.quota.Quota;
import io.clp.identity.quota.Quotas;
import io.clp.platform.outbox.Outbox;
import io.clp.platform.problem.DatabaseErrors;
import io.clp.platform.problem.Problems;
import io.clp.tenancy.security.ApiKeyClaim;
import io.clp.tenancy.security.ApiKeyCredential;
import io.clp.tenancy.security.Caller;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.clp.tenancy.work.OrganizationWork;
import io.clp.identity.model.Organization;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * API keys: made here, registered in Keycloak by the mirror (their public half only), exchanged
 * for access tokens by every service (platform-core {@code ApiKeyExchange}). A key's scopes are a
 * subset of its creator's permissions; when the creator leaves the organization, or a role change
 * takes away a permission a key carries, the key is revoked in the same transaction.
 */
@ApplicationScoped
public class ApiKeys {

    static final Duration MAX_LIFETIME = Duration.ofDays(731);
    /** Tries at a new key before giving up: a prefix collision is one in 2.8e12 per existing key, so a third is never needed. */
    static final int ATTEMPTS = 3;
    static final String PREFIX_INDEX = "uq_auth_tokens_api_key_prefix";

    private final OrganizationWork work;
    private final Caller caller;
    private final Quotas quotas;
    private final Outbox outbox;
    private final ApiKeyGenerator generator;

    ApiKeys(OrganizationWork work, Caller caller, Quotas quotas, Outbox outbox, ApiKeyGenerator generator) {
        this.work = work;
        this.caller = caller;
        this.quotas = quotas;
        this.outbox = outbox;
        this.generator = generator;
    }

    /**
     * Creates a key. A prefix that another key already has (uq_auth_tokens_api_key_prefix) fails the
     * whole transaction, so it is run again with a new credential, at most {@link #ATTEMPTS} times.
     */
    public Uni<CreatedApiKey> create(UUID orgId, CreateApiKey request) {
        return Uni.createFrom().deferred(() -> createOnce(orgId, request))
                .onFailure(ApiKeys::isPrefixTaken).retry().atMost(ATTEMPTS - 1);
    }

    private Uni<CreatedApiKey> createOnce(UUID orgId, CreateApiKey request) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        // the organization row is locked before the creator's membership and role are read: a removal, a
        // demotion or a deletion that commits first is seen (and refuses the key); one that comes later
        // waits and revokes the key with the others
        return work.run(orgId, Permission.API_KEY_CREATE, admission -> Organization.<Organization>findById(orgId).chain(org -> {
            Set<Permission> scopes = validScopes(request, now);
            Set<Permission> held = EnumSet.noneOf(Permission.class);
            admission.roles().forEach(role -> held.addAll(Permission.of(role)));
            caller.apiKey().map(ApiKeyClaim::scopes).ifPresent(held::retainAll);
            List<String> beyond = scopes.stream().filter(p -> !held.contains(p)).map(Permission::scope).toList();
            if (!beyond.isEmpty()) {
                return Uni.createFrom().failure(Problems.validation("scopes",
                        "a key's scopes must be permissions you hold; you do not hold " + String.join(", ", beyond)));
            }
            // the organization row lock also serializes key creation, so two requests cannot both take the last slot
            return ApiKey.countUsable(orgId)
                    .chain(used -> quotas.requireRoom(org, Quota.API_KEYS, used))
                    .chain(() -> {
                        ApiKeyCredential.Generated generated = generator.next();
                        ApiKey key = new ApiKey();
                        key.id = UUID.randomUUID();
                        key.orgId = orgId;
                        key.userId = admission.userId();
                        key.name = request.name().strip();
                        key.prefix = generated.credential().prefix();
                        key.tokenHash = generated.credential().hash();
                        key.scopes = new ArrayList<>(scopes.stream().map(Permission::scope).toList());
                        key.expiresAt = request.expiresAt().truncatedTo(ChronoUnit.SECONDS);
                        key.publicJwk = generated.publicJwk();
                        return key.<ApiKey>persist()
                                .call(saved -> outbox.publish(new ApiKeyCreated(saved.id, orgId, saved.userId, saved.name,
                                        saved.prefix, generated.credential().clientId(), List.copyOf(saved.scopes),
                                        saved.expiresAt, generated.publicJwk(), now)))
                                .map(saved -> new CreatedApiKey(generated.credential().reveal(), ApiKeyView.of(saved, now)));
                    });
        }));
    }

    static boolean isPrefixTaken(Throwable e) {
        return DatabaseErrors.violated(e, PREFIX_INDEX);
    }

    /** The requested scopes, checked once the caller's right to the organization is established. */
    private static Set<Permission> validScopes(CreateApiKey request, Instant now) {
        if (request.expiresAt().isAfter(now.plus(MAX_LIFETIME))) {
            throw Problems.validation("expiresAt", "may be at most two years ahead");
        }
        Set<Permission> scopes = EnumSet.noneOf(Permission.class);
        for (String scope : request.scopes()) {
            scopes.add(Permission.ofScope(scope).orElseThrow(() -> Problems.validation("scopes", "unknown scope '" + scope
                    + "'; GET /api/v1/roles lists them")));
        }
        return scopes;
    }

    public Uni<List<ApiKeyView>> list(UUID orgId) {
        Instant now = Instant.now();
        return work.run(orgId, Permission.API_KEY_READ, () -> ApiKey.<ApiKey>list("orgId = ?1 and tokenType = ?2 order by createdAt desc, id", orgId, ApiKey.TYPE)
                .map(keys -> keys.stream().map(k -> ApiKeyView.of(k, now)).toList()));
    }

    /** Revokes a key: admins revoke any key of the organization, developers their own. */
    public Uni<Void> revoke(UUID orgId, UUID keyId) {
        return work.run(orgId, Permission.API_KEY_REVOKE, admission ->
                ApiKey.<ApiKey>find("id = ?1 and orgId = ?2 and tokenType = ?3", keyId, orgId, ApiKey.TYPE).<ApiKey>firstResult()
                        .onItem().ifNull().failWith(() -> Problems.notFound("api key", keyId))
                        .chain(key -> {
                            if (!admission.roles().contains(Role.ADMIN) && !key.userId.equals(admission.userId())) {
                                return Uni.createFrom().failure(Problems.forbidden("only admins revoke other members' keys"));
                            }
                            return key.active ? revoke(key, admission.userId(), "revoked") : Uni.createFrom().voidItem();
                        }));
    }

    /** Revokes every key a member made in the organization: they left it or were deactivated. In the caller's transaction. */
    public Uni<Void> revokeAllOf(UUID orgId, UUID userId, UUID revokedBy) {
        return revokeWhere(orgId, userId, key -> true, revokedBy, "member_left");
    }

    /** Revokes the member's keys that carry a permission their new role lacks. In the caller's transaction. */
    public Uni<Void> revokeBeyond(UUID orgId, UUID userId, Role role, UUID revokedBy) {
        Set<Permission> held = Permission.of(role);
        return revokeWhere(orgId, userId,
                key -> key.scopes.stream().anyMatch(s -> Permission.ofScope(s).map(p -> !held.contains(p)).orElse(true)),
                revokedBy, "role_changed");
    }

    /**
     * Revokes every active key of an organization that is being deleted, each with its
     * {@code api-key.revoked} event (so the mirror deletes the key's client). In the caller's
     * transaction, which must already see the organization's rows.
     */
    public Uni<Void> revokeAllIn(UUID orgId, UUID revokedBy) {
        return ApiKey.<ApiKey>list("orgId = ?1 and tokenType = ?2 and active = true", orgId, ApiKey.TYPE)
                .chain(keys -> revokeEach(keys, revokedBy, "organization_deleted"));
    }

    private Uni<Void> revokeWhere(UUID orgId, UUID userId, Predicate<ApiKey> which, UUID revokedBy, String reason) {
        return ApiKey.<ApiKey>list("orgId = ?1 and userId = ?2 and tokenType = ?3 and active = true", orgId, userId, ApiKey.TYPE)
                .chain(keys -> revokeEach(keys.stream().filter(which).toList(), revokedBy, reason));
    }

    private Uni<Void> revokeEach(List<ApiKey> keys, UUID revokedBy, String reason) {
        return Multi.createFrom().iterable(keys)
                .onItem().transformToUniAndConcatenate(key -> revoke(key, revokedBy, reason))
                .collect().asList().replaceWithVoid();
    }

    private Uni<Void> revoke(ApiKey key, UUID revokedBy, String reason) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        key.active = false;
        key.revokedAt = now;
        key.revokedBy = revokedBy;
        return outbox.publish(new ApiKeyRevoked(key.id, key.orgId, key.prefix, ApiKeyCredential.clientIdOf(key.prefix),
                reason, now)).replaceWithVoid();
    }
}
