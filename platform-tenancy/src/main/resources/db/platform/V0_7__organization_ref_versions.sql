-- The organization's own version (identity-service's organizations.version) of the facts each part
-- of the read model holds, so events are applied in the source's order rather than by the clocks of
-- the instances that published them (platform-core OrganizationRefs). NULL: the part was last set
-- by an event from before versions existed.
ALTER TABLE organization_refs ADD COLUMN status_version bigint;
ALTER TABLE organization_refs ADD COLUMN quotas_version bigint;
