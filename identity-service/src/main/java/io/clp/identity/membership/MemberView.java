package io.clp.identity.membership;

import io.clp.identity.model.Membership;

import io.clp.identity.user.User;

import java.time.Instant;
import java.util.UUID;

/** A member of an organization as the API shows it. */
public record MemberView(UUID userId, String email, String name, String role, boolean active, UUID invitedBy,
                         Instant joinedAt) {

    static MemberView of(Membership m, User u) {
        return new MemberView(m.userId, u == null ? null : u.email, u == null ? null : u.name, m.role.id(), m.active,
                m.invitedBy, m.joinedAt);
    }
}
