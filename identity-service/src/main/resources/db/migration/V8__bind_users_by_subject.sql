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

-- invitees who never signed in: their rows were made with auth_provider_id = id, no name and an
-- unverified e-mail (a row made at sign-in always has a name)
UPDATE users SET auth_provider_id = NULL
WHERE auth_provider_id = id::text AND name IS NULL AND NOT email_verified AND last_login_at IS NULL;
