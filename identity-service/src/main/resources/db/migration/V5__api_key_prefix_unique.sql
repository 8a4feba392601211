-- An API key's Keycloak client is named after its prefix (clp-key-<prefix>), so two keys sharing a
-- prefix would share a client: the second could not be registered, and revoking either would delete
-- the other's. A prefix is never reused, not even after its key is revoked or expired (a late
-- revocation of the old key must not reach a new key's client). Key creation retries on a collision.
CREATE UNIQUE INDEX uq_auth_tokens_api_key_prefix ON auth_tokens (token_prefix) WHERE token_type = 'api_key';
