-- The organization's rules quota, enforced on insert (see db/platform/V0_5).
SELECT clp_enable_quota('rules', 'rules');
