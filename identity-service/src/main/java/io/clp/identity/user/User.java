package io.clp.identity.user;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A person who can sign in. The id is the subject of the user's Keycloak account, so every service
 * names a user the same way the access token does.
 */
@Entity
@Table(name = "users")
public class User extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String email;

    @Column(name = "password_hash")
    public String passwordHash;

    public String name;

    @Column(name = "auth_provider", nullable = false)
    public String authProvider = "keycloak";

    @Column(name = "auth_provider_id")
    public String authProviderId;

    @Column(name = "is_active", nullable = false)
    public boolean active = true;

    @Column(name = "email_verified", nullable = false)
    public boolean emailVerified;

    @Column(name = "mfa_enabled", nullable = false)
    public boolean mfaEnabled;

    @Column(name = "mfa_secret")
    public String mfaSecret;

    @Column(name = "last_login_at")
    public Instant lastLoginAt;

    @Column(name = "last_activity_at")
    public Instant lastActivityAt;

    @Column(name = "login_count", nullable = false)
    public int loginCount;

    @Column(name = "avatar_url", columnDefinition = "text")
    public String avatarUrl;

    @Column(nullable = false)
    public String timezone = "UTC";

    @Column(nullable = false)
    public String locale = "en";

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> metadata = new HashMap<>();

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false, insertable = false, updatable = false)
    public Instant updatedAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;
}
