-- A pipeline's updated_at is when it was changed. The scheduler and the runs move its run bookkeeping (next run, last
-- execution, counts) every tick; that is not a change of the pipeline, so updated_at stays unless some other column
-- changes too (a status the scheduler sets, such as 'failed' for a schedule it cannot read, is a change).
CREATE FUNCTION clp_pipelines_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF to_jsonb(NEW) - '{next_run_at,last_execution_id,last_run_at,last_run_status,total_executions,successful_executions,failed_executions,updated_at}'::text[]
       = to_jsonb(OLD) - '{next_run_at,last_execution_id,last_run_at,last_run_status,total_executions,successful_executions,failed_executions,updated_at}'::text[]
       AND (NEW.next_run_at, NEW.last_execution_id, NEW.last_run_at, NEW.last_run_status, NEW.total_executions,
            NEW.successful_executions, NEW.failed_executions)
           IS DISTINCT FROM (OLD.next_run_at, OLD.last_execution_id, OLD.last_run_at, OLD.last_run_status,
                             OLD.total_executions, OLD.successful_executions, OLD.failed_executions) THEN
        NEW.updated_at := OLD.updated_at;
    ELSE
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER trg_pipelines_updated_at ON pipelines;
CREATE TRIGGER trg_pipelines_updated_at BEFORE UPDATE ON pipelines
    FOR EACH ROW EXECUTE FUNCTION clp_pipelines_updated_at();
