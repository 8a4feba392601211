-- Bookkeeping rows are pruned after their retention (platform-core PlatformTablesPruner).
CREATE INDEX idx_transaction_context_created ON transaction_context (created_at);
CREATE INDEX idx_processed_event_processed ON processed_event (processed_at);
