-- A user row made for an invitee is bound to a Keycloak subject only when the person first signs
-- in with the invited, verified e-mail (identity-service Users.ensureCaller). auth_provider_id is
-- the bound subject; NULL marks a row no one has signed in as yet.
--
-- Binding re-keys the row to the subject, so that a user's id stays the token's subject in every
-- service: the references to users follow the id in the same statement.
ALTER TABLE org_memberships DROP CONSTRAINT org_memberships_user_id_fkey,
    ADD CONSTRAINT org_memberships_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
        ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE org_memberships DROP CONSTRAINT org_memberships_invited_by_fkey,
    ADD CONSTRAINT org_memberships_invited_by_fkey FOREIGN KEY (invited_by) REFERENCES users (id)
        ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE auth_tokens DROP CONSTRAINT auth_tokens_user_id_fkey,
    ADD CONSTRAINT auth_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
        ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE auth_tokens DROP CONSTRAINT auth_tokens_revoked_by_fkey,
    ADD CONSTRAINT auth_tokens_revoked_by_fkey FOREIGN KEY (revoked_by) REFERENCES users (id)
        ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE entity_permissions DROP CONSTRAINT entity_permissions_user_id_fkey,
    ADD CONSTRAINT entity_permissions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)
        ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE entity_permissions DROP CONSTRAINT entity_permissions_granted_by_fkey,
    ADD CONSTRAINT entity_permissions_granted_by_fkey FOREIGN KEY (granted_by) REFERENCES users (id)
        ON DELETE SET NULL ON UPDATE CASCADE;

-- The rows below are read across organizations: the migration acts as the service itself (the
-- tables' row-level security is forced, and would otherwise hide every membership and key).
SELECT set_config('clp.scope', 'system', true);

-- Unbind only rows that exist for pending invitations and show no sign that anyone has used them:
-- an unbound row is handed to whichever account presents its verified e-mail first. Before this
-- version every row was bound to its own id; a person who signed in left traces (an accepted
-- invitation, a key or session, a grant, a member they invited, an e-mail claim recorded as
-- verified), and such a row stays theirs.
UPDATE users u SET auth_provider_id = NULL
WHERE u.auth_provider_id = u.id::text
  AND u.deleted_at IS NULL
  AND u.last_login_at IS NULL
  AND u.login_count = 0
  AND NOT u.email_verified
  AND EXISTS (SELECT 1 FROM org_memberships m WHERE m.user_id = u.id AND m.joined_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM org_memberships m
                  WHERE (m.user_id = u.id AND (m.joined_at IS NOT NULL OR m.is_active)) OR m.invited_by = u.id)
  AND NOT EXISTS (SELECT 1 FROM auth_tokens t WHERE t.user_id = u.id OR t.revoked_by = u.id)
  AND NOT EXISTS (SELECT 1 FROM entity_permissions p WHERE p.user_id = u.id OR p.granted_by = u.id);

-- The service used to record any e-mail claim as verified, whether Keycloak had verified it or not.
-- No flag written before this version is evidence: a row's e-mail counts as verified again only when
-- its owner next calls with a token whose verified e-mail is the row's (Users.ensureCaller).
UPDATE users SET email_verified = false WHERE email_verified;
