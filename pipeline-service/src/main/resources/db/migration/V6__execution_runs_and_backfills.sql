-- What the scheduler, run-now and backfill need beyond V4 (docs/pipelines.md, "Scheduling and executions").

-- Why a pipeline is in its status when the service set it (a stored schedule it cannot read ends 'failed' with the reason).
ALTER TABLE pipelines ADD COLUMN status_reason text;

-- cancelling a running execution asks its executor to stop: the execution stays 'running' (and keeps its slot in the
-- partial unique indexes) until the executor writes 'cancelled' (executor writes use WHERE status = 'running')
ALTER TABLE etl_executions ADD COLUMN cancel_requested_at timestamptz;

-- at most one manual run of a pipeline waiting or running at a time; a second request is refused with the first's id
CREATE UNIQUE INDEX uq_etl_executions_manual_active ON etl_executions (pipeline_id)
    WHERE execution_type = 'manual' AND status IN ('pending', 'running');

-- a backfill day of a pipeline is waiting or running once, however many backfills overlap it
CREATE UNIQUE INDEX uq_etl_executions_backfill_day ON etl_executions (pipeline_id, data_from)
    WHERE execution_type = 'backfill' AND status IN ('pending', 'running');
