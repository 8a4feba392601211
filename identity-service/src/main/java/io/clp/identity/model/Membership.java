package io.clp.identity.model;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Convert;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import io.clp.tenancy.security.Role;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import io.smallrye.mutiny.Uni;
import java.util.UUID;

/** A user's membership of one organization, with the user's role there. */
@Entity
@Table(name = "org_memberships")
public class Membership extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false)
    public UUID orgId;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    /** The database enum {@code user_role}, written as its label (a parameter must be cast to the enum). */
    @Convert(converter = RoleLabel.class)
    @ColumnTransformer(write = "CAST(? AS user_role)")
    @Column(nullable = false, columnDefinition = "user_role")
    public Role role;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> permissions = new HashMap<>();

    @Column(name = "is_active", nullable = false)
    public boolean active = true;

    @Column(name = "invited_by")
    public UUID invitedBy;

    @Column(name = "joined_at")
    public Instant joinedAt;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false, insertable = false, updatable = false)
    public Instant updatedAt;

    /** The seats of the organization's members quota in use: its members, and its pending invitations, which become members without asking again. */
    public static Uni<Long> seatsTaken(UUID orgId) {
        return count("orgId = ?1 and (active = true or joinedAt is null)", orgId);
    }

    public static Uni<Membership> active(UUID orgId, UUID userId) {
        return find("orgId = ?1 and userId = ?2 and active = true", orgId, userId).firstResult();
    }
}
