-- Row-level security: the second wall behind every org-scoped query (see db/platform/V0_2).

SELECT clp_enable_tenant_isolation('notifications');
