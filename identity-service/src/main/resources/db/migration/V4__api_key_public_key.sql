-- The public half of an API key (a JWK), so the Keycloak client that stands for the key can be
-- (re)built from identity-service's own tables. The private half exists only in the key itself.
ALTER TABLE auth_tokens ADD COLUMN public_jwk jsonb;
