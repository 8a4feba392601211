-- Until the CDC connector excluded them (deploy/debezium/clp-cdc.properties), a DSP account's OAuth
-- token path, metadata and sync error were streamed with its row, and so recorded here. They are
-- removed from every recorded row image and diff; the rest of each entry stays. The trail is read
-- through row-level security, so the statement runs in the service's own (system) scope.
SELECT set_config('clp.scope', 'system', true);

UPDATE audit_logs
SET old_values = old_values - ARRAY['oauth_token_path', 'metadata', 'sync_error'],
    new_values = new_values - ARRAY['oauth_token_path', 'metadata', 'sync_error'],
    changes    = changes    - ARRAY['oauth_token_path', 'metadata', 'sync_error']
WHERE resource_type = 'dsp_accounts'
  AND (old_values ?| ARRAY['oauth_token_path', 'metadata', 'sync_error']
    OR new_values ?| ARRAY['oauth_token_path', 'metadata', 'sync_error']
    OR changes    ?| ARRAY['oauth_token_path', 'metadata', 'sync_error']);
