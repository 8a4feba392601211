package io.clp.identity.me;

import java.util.List;
import java.util.UUID;

/** The caller as {@code GET /api/v1/me} shows them: profile, organizations with role and permissions, pending invitations. */
public record Me(UUID id, String email, String name, String timezone, String locale,
                     List<OrganizationMembership> organizations, List<PendingInvitation> invitations) {

    public record OrganizationMembership(UUID id, String name, String slug, String status, String role,
                                         List<String> permissions) {
    }

    public record PendingInvitation(UUID id, UUID organizationId, String role) {
    }
}
