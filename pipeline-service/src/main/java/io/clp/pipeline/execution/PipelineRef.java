package io.clp.pipeline.execution;

import java.util.UUID;

/** What running a pipeline needs to know of it: its time zone, look-back and backfill concurrency. */
record PipelineRef(UUID id, String timezone, int lookbackDays, int backfillConcurrency) {

    /** The pipeline's live row in the organization as this record's JSON, or nothing. */
    static final String FIND = """
            SELECT jsonb_build_object('id', id, 'timezone', schedule_timezone, 'lookbackDays', lookback_days,
                   -- a number, at least 1 (a value the executor could not honour is read as 1); 2 when absent
                   'backfillConcurrency', CASE WHEN jsonb_typeof(config -> 'backfillConcurrency') = 'number'
                                               THEN greatest(1, least(1000, (config ->> 'backfillConcurrency')::numeric))::int
                                               ELSE 2 END)::text
            FROM pipelines WHERE id = ?1 AND org_id = ?2 AND is_active
            """;
}
