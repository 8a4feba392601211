-- The organization's pipelines quota, enforced on insert (see db/platform/V0_5).
SELECT clp_enable_quota('pipelines', 'pipelines');
