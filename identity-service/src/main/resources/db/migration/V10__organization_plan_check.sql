-- Organizations carry their plan as one of the plans identity knows (free, team, enterprise; the Plan
-- enum): operators set it through the API, which accepts nothing else. The constraint makes any other
-- label fail here, at the upgrade, instead of making the row unreadable later.
ALTER TABLE organizations ADD CONSTRAINT organizations_plan_check CHECK (plan IN ('free', 'team', 'enterprise'));
