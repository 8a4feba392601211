package io.clp.identity.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.clp.platform.persistence.JsonStringList;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A user's rights on one entity (seed 000 {@code entity_permissions}), beyond what their role allows. */
@Entity
@Table(name = "entity_permissions")
public class EntityGrant extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false)
    public UUID orgId;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Enumerated(EnumType.STRING)
    @JdbcTypeCode(SqlTypes.NAMED_ENUM)
    @Column(name = "entity_type", nullable = false, columnDefinition = "entity_type")
    public EntityType entityType;

    @Column(name = "entity_id", nullable = false)
    public UUID entityId;

    /** The grant actions: view, edit, execute, delete. */
    @Convert(converter = JsonStringList.class)
    @ColumnTransformer(read = "CAST(permissions AS text)", write = "CAST(CAST(? AS text) AS jsonb)")
    @Column(nullable = false, columnDefinition = "jsonb")
    public List<String> permissions = new ArrayList<>();

    @Column(name = "granted_by")
    public UUID grantedBy;

    @Column(name = "granted_at", nullable = false)
    public Instant grantedAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    /** Incremented by every issue of the grant; orders the grant's events and states in other services. */
    @Version
    @Column(nullable = false)
    public Long version;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public Instant createdAt;

    public boolean live(Instant now) {
        return expiresAt == null || expiresAt.isAfter(now);
    }
}
