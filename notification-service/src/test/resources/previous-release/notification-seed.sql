-- Rows the previous release wrote (UpgradeFromPreviousReleaseTest): they must survive the upgrade.
INSERT INTO notification.organization_refs (org_id, slug, status, plan, quotas, status_changed_at, quotas_changed_at,
                                            status_version, quotas_version)
VALUES ('6f1d3c52-0000-4000-8000-000000000001', 'upgraded-org', 'active', 'pro', '{"max_rules": 7}', now(), now(), 3, 3);
INSERT INTO notification.notifications (id, org_id, type, recipient, subject, body, status)
VALUES ('6f1d3c52-0000-4000-8000-000000000002', '6f1d3c52-0000-4000-8000-000000000001', 'email',
        'ops@upgraded.test', 'written by the previous release', 'body', 'sent');
INSERT INTO notification.processed_event (event_id, consumer)
VALUES ('6f1d3c52-0000-4000-8000-000000000003', 'notification-organizations');
INSERT INTO notification.transaction_context (id, tx_id, actor, service)
VALUES ('6f1d3c52-0000-4000-8000-000000000004', 42, 'system:notification', 'notification');
