-- Row-level security: the second wall behind every org-scoped query (see db/platform/V0_2).
-- Entries without an organization are visible to the service itself only.

SELECT clp_enable_tenant_isolation('audit_logs');
