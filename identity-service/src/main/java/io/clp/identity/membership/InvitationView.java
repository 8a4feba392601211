package io.clp.identity.membership;

import java.util.UUID;

/** An invitation: the pending membership the invitee accepts by its id. */
public record InvitationView(UUID id, UUID organizationId, UUID userId, String email, String role, String status) {
}
