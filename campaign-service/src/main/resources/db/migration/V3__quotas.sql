-- The organization's dsp_accounts quota, enforced on insert (see db/platform/V0_5).
SELECT clp_enable_quota('dsp_accounts', 'dsp_accounts');
