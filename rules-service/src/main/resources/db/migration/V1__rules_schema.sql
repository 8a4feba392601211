-- rules-service: versioned rules of the five modules (seed 000).
-- org_id, pipeline_id and created_by belong to other services: plain, indexed columns.

CREATE TYPE rule_module AS ENUM ('alerts', 'qa', 'taxonomy', 'pacing', 'margin');
CREATE TYPE entity_type AS ENUM ('campaign', 'insertion_order', 'line_item', 'creative',
                                 'template', 'pipeline', 'rule', 'dsp_account');

CREATE TABLE rules (
    id               uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id           uuid         NOT NULL,
    name             varchar(255) NOT NULL,
    description      text,
    module           rule_module  NOT NULL,
    rule_type        varchar(50)  NOT NULL,
    conditions       jsonb        NOT NULL,
    actions          jsonb        NOT NULL DEFAULT '[]'::jsonb,
    priority         integer      NOT NULL DEFAULT 100,
    is_enabled       boolean      NOT NULL DEFAULT true,
    pipeline_id      uuid,
    entity_type      entity_type,
    entity_filters   jsonb        NOT NULL DEFAULT '{}'::jsonb,
    execution_count  integer      NOT NULL DEFAULT 0,
    match_count      integer      NOT NULL DEFAULT 0,
    last_executed_at timestamptz,
    last_match_at    timestamptz,
    version          integer      NOT NULL DEFAULT 1,
    parent_rule_id   uuid         REFERENCES rules (id) ON DELETE SET NULL,
    created_by       uuid,
    created_at       timestamptz  NOT NULL DEFAULT now(),
    updated_at       timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT uq_rules_org_module_name_version UNIQUE (org_id, module, name, version)
);
CREATE INDEX idx_rules_org ON rules (org_id);
CREATE INDEX idx_rules_pipeline ON rules (pipeline_id);
CREATE INDEX idx_rules_parent ON rules (parent_rule_id);
CREATE INDEX idx_rules_created_by ON rules (created_by);
CREATE INDEX idx_rules_enabled ON rules (org_id, module, priority) WHERE is_enabled;
CREATE INDEX idx_rules_conditions ON rules USING gin (conditions);

CREATE TRIGGER trg_rules_updated_at BEFORE UPDATE ON rules
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE rules REPLICA IDENTITY FULL;
