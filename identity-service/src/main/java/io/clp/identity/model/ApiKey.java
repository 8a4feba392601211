package io.clp.identity.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import io.clp.platform.persistence.JsonStringList;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** An API key (seed 000 {@code auth_tokens} with token type {@code api_key}); only its hash and prefix are stored. */
@Entity
@Table(name = "auth_tokens")
public class ApiKey extends PanacheEntityBase {

    public static final String TYPE = "api_key";

    @Id
    public UUID id;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(name = "org_id")
    public UUID orgId;

    @Column(name = "token_type", nullable = false)
    public String tokenType = TYPE;

    /** SHA-256 of the whole key: never returned, logged, published or streamed. */
    @Column(name = "token_hash", nullable = false)
    public String tokenHash;

    @Column(name = "token_prefix")
    public String prefix;

    @Convert(converter = JsonStringList.class)
    @ColumnTransformer(read = "CAST(scopes AS text)", write = "CAST(CAST(? AS text) AS jsonb)")
    @Column(nullable = false, columnDefinition = "jsonb")
    public List<String> scopes = new ArrayList<>();

    public String name;

    /** The key's public half (a JWK); Keycloak verifies the key's client assertions with it. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "public_jwk")
    public Map<String, Object> publicJwk;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    @Column(name = "is_active", nullable = false)
    public boolean active = true;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "revoked_by")
    public UUID revokedBy;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public Instant createdAt;

    public boolean usable(Instant now) {
        return active && (expiresAt == null || expiresAt.isAfter(now));
    }

    /**
     * Whether the key with this id is an API key of {@code orgId} made by {@code userId} that is
     * active and unexpired now. Runs in the creator's scope: row-level security shows a user their own keys.
     */
    public static Uni<Boolean> live(UUID id, UUID orgId, UUID userId) {
        return ApiKey.<ApiKey>findById(id).map(key -> key != null && TYPE.equals(key.tokenType)
                && orgId.equals(key.orgId) && userId.equals(key.userId) && key.usable(Instant.now()));
    }

    /** The organization's keys that still work. */
    public static Uni<Long> countUsable(UUID orgId) {
        return count("orgId = ?1 and tokenType = ?2 and active = true and (expiresAt is null or expiresAt > ?3)",
                orgId, TYPE, Instant.now());
    }
}
