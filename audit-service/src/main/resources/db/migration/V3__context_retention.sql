-- The copies of transaction contexts are pruned by age (ContextRetention).
CREATE INDEX idx_transaction_contexts_created ON transaction_contexts (created_at);
