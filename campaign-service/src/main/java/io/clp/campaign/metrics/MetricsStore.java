package io.clp.campaign.metrics;

import io.clp.events.AggregateTypes;
import io.clp.events.CloudEventHeaders;
import io.clp.events.campaign.MetricsRecorded;
import io.clp.platform.tracing.Traces;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a validated metrics batch: the month partitions it needs (in a short transaction of their own, see
 * {@code clp_ensure_metric_partitions}), then, in one transaction, the batch id in the inbox, all its rows in one
 * set-based upsert from arrays and its {@link MetricsRecorded} event in the outbox. Rows are written only for
 * entities of the batch's organization (campaign-service's own rows decide, not the batch); a row whose numbers are
 * already recorded is left as it is, and so is a row whose recorded version ((source_extracted_at, execution_id)) is
 * newer than the batch's (stale: an older batch applied late). Each row of a client's campaign carries the client's CPM
 * in effect on its day and its billed (CPM-adjusted) spend (docs/clients.md), read after the organization's billing
 * lock, so that a concurrent rate change either sees these rows or is seen by them. The transaction is the service's own (system scope) and records no transaction
 * context: campaign_metrics, the inbox and the outbox are not captured, and the load is audited as the execution.
 */
@ApplicationScoped
class MetricsStore {

    /** The inbox's consumer name: batch ids are recorded under it. */
    static final String CONSUMER = "campaign-metrics-batches";
    static final String ACTOR = "system:campaign";
    static final String SOURCE = "/clp/campaign";

    private static final String SCOPE = "SELECT set_config('clp.scope', 'system', true)";
    private static final String FIRST_DELIVERY = """
            INSERT INTO processed_event (event_id, consumer, processed_at) VALUES ($1, $2, now())
            ON CONFLICT (event_id, consumer) DO NOTHING
            """;
    /**
     * Shared with other writers, exclusive to a change of the organization's client links or CPM rates
     * ({@code clp_billing_lock}, V12): the upsert, a statement after it, reads the links and rates committed by then.
     */
    private static final String BILLING_LOCK = "SELECT clp_billing_lock($1, false)";
    private static final String ENSURE_PARTITIONS = "SELECT clp_ensure_metric_partitions($1::date, $2::date) AS created";

    /**
     * $1 org, $2 batch, $3 execution, $4 pipeline, $5 data quality score, $6 has data issues, $7..$16 the rows'
     * columns as arrays, $17 now, $18 event source, $19 actor, $20 traceparent, $21 the batch's extractedAt (the version of its
     * numbers). KPIs by clp_metric_ratio (V9, inlined since V11):
     * exact, half-up to 6 fractional digits, NULL on a zero denominator. The event is written only when a row was
     * inserted, restated or skipped.
     * <p>
     * Every step is a scan of the batch with index probes into the tables, whatever the planner estimates: a row's
     * campaign is a keyed look-up; whether a row was inserted, and whether its numbers changed, the written row itself
     * tells (its created_at, and its updated_at, set only when the numbers change, are the apply's time, $17, which
     * {@link #applyTime()} never repeats); the recorded versions are probed for stale rows only when some row was not
     * written. The counts read the statement's snapshot: a newer version committed by a concurrent batch after it
     * began leaves the row as it is, counted as unchanged rather than stale. Reading the recorded rows first and
     * joining the written rows back to them, both estimated at one row, ran as a nested loop: quadratic in the batch,
     * a second and a half for a restatement of 2,000 rows.
     */
    static final String UPSERT = """
            WITH input AS (
                SELECT * FROM unnest($7::text[], $8::uuid[], $9::text[], $10::int8[], $11::int8[], $12::int8[], $13::int8[],
                                     $14::text[], $15::text[], $16::text[])
                    AS x(entity_level, entity_id, metric_date, impressions, clicks, conversions, views, spend, currency, revenue)),
            -- the campaign of each row's entity, when the entity is the organization's (NULL otherwise: skipped). Looked up
            -- by id alone, the organization compared after: with the organization in the condition, the planner may
            -- walk the organization's entries of another index instead of the primary key when the organization is
            -- new and its statistics say it has no rows (3.6 s instead of 10 ms for 2,000 creatives).
            resolved AS MATERIALIZED (
                SELECT i.*, CASE i.entity_level
                    WHEN 'campaign' THEN (SELECT CASE WHEN t.org_id = $1 THEN t.id END FROM campaigns t WHERE t.id = i.entity_id)
                    WHEN 'insertion_order' THEN (SELECT CASE WHEN t.org_id = $1 THEN t.campaign_id END FROM insertion_orders t
                                                 WHERE t.id = i.entity_id)
                    WHEN 'line_item' THEN (SELECT CASE WHEN t.org_id = $1 THEN t.campaign_id END FROM line_items t
                                           WHERE t.id = i.entity_id)
                    WHEN 'creative' THEN (SELECT CASE WHEN t.org_id = $1 THEN t.campaign_id END FROM creatives t
                                          WHERE t.id = i.entity_id)
                    END AS campaign_id
                FROM input i),
            -- the campaign's client (docs/clients.md), looked up only in an organization that links advertisers to clients
            accepted AS (
                SELECT r.*, CASE WHEN (SELECT EXISTS (SELECT 1 FROM client_advertisers l WHERE l.org_id = $1))
                                 THEN (SELECT c.client_id FROM campaigns c WHERE c.id = r.campaign_id) END AS client_id
                FROM resolved r WHERE r.campaign_id IS NOT NULL),
            skipped AS (SELECT entity_level, entity_id FROM resolved WHERE campaign_id IS NULL),
            up AS (
                INSERT INTO campaign_metrics AS m (org_id, entity_level, entity_id, campaign_id, metric_date, impressions, clicks,
                                                   conversions, views, spend, currency, revenue, ctr, cpc, cpm, cpa, cvr, roas,
                                                   client_id, billed_cpm, billed_spend,
                                                   data_quality_score, has_data_issues, batch_id, execution_id, source_extracted_at,
                                                   pipeline_id, synced_at, created_at, updated_at)
                SELECT $1::uuid, a.entity_level, a.entity_id, a.campaign_id, a.metric_date::date, a.impressions, a.clicks, a.conversions,
                       a.views, a.spend::numeric, a.currency, a.revenue::numeric,
                       clp_metric_ratio(a.clicks, a.impressions, 6),
                       clp_metric_ratio(a.spend::numeric, a.clicks, 6),
                       clp_metric_ratio(a.spend::numeric * 1000, a.impressions, 6),
                       clp_metric_ratio(a.spend::numeric, a.conversions, 6),
                       clp_metric_ratio(a.conversions, a.clicks, 6),
                       clp_metric_ratio(a.revenue::numeric, a.spend::numeric, 6),
                       a.client_id, p.cpm, a.impressions * p.cpm * 0.001,
                       $5::numeric, $6::boolean, $2::uuid, $3::uuid, $21::timestamptz, $4::uuid, $17::timestamptz, $17::timestamptz,
                       $17::timestamptz
                FROM accepted a
                -- the client's CPM in effect on the row's day: its latest rate dated on or before it (none: no billed spend)
                LEFT JOIN LATERAL (SELECT r.cpm FROM client_cpm_rates r
                                   WHERE a.client_id IS NOT NULL AND r.client_id = a.client_id
                                     AND r.effective_date <= a.metric_date::date
                                   ORDER BY r.effective_date DESC LIMIT 1) p ON true
                ON CONFLICT (entity_level, entity_id, metric_date) DO UPDATE SET
                    campaign_id = EXCLUDED.campaign_id, impressions = EXCLUDED.impressions, clicks = EXCLUDED.clicks,
                    conversions = EXCLUDED.conversions, views = EXCLUDED.views, spend = EXCLUDED.spend,
                    currency = EXCLUDED.currency, revenue = EXCLUDED.revenue, ctr = EXCLUDED.ctr, cpc = EXCLUDED.cpc,
                    cpm = EXCLUDED.cpm, cpa = EXCLUDED.cpa, cvr = EXCLUDED.cvr, roas = EXCLUDED.roas,
                    client_id = EXCLUDED.client_id, billed_cpm = EXCLUDED.billed_cpm, billed_spend = EXCLUDED.billed_spend,
                    data_quality_score = EXCLUDED.data_quality_score, has_data_issues = EXCLUDED.has_data_issues,
                    batch_id = EXCLUDED.batch_id, execution_id = EXCLUDED.execution_id,
                    source_extracted_at = EXCLUDED.source_extracted_at, pipeline_id = EXCLUDED.pipeline_id,
                    synced_at = EXCLUDED.synced_at,
                    -- when the numbers last changed: a newer version with the same numbers leaves it
                    updated_at = CASE WHEN (m.campaign_id, m.impressions, m.clicks, m.conversions, m.views, m.spend, m.currency,
                                            m.revenue, m.data_quality_score, m.has_data_issues, m.client_id, m.billed_cpm)
                                           IS DISTINCT FROM (EXCLUDED.campaign_id, EXCLUDED.impressions, EXCLUDED.clicks,
                                                             EXCLUDED.conversions, EXCLUDED.views, EXCLUDED.spend,
                                                             EXCLUDED.currency, EXCLUDED.revenue,
                                                             EXCLUDED.data_quality_score, EXCLUDED.has_data_issues,
                                                             EXCLUDED.client_id, EXCLUDED.billed_cpm)
                                      THEN EXCLUDED.updated_at ELSE m.updated_at END
                -- only a newer version of the numbers, or the same version with other numbers: an older batch applied
                -- late (a retry, a dead-letter replay, another partition) never replaces a newer restatement. A newer
                -- version with the same numbers is recorded too (so that an in-between version stays stale) but is
                -- no change.
                WHERE (EXCLUDED.source_extracted_at, EXCLUDED.execution_id) > (m.source_extracted_at, m.execution_id)
                   OR ((EXCLUDED.source_extracted_at, EXCLUDED.execution_id) = (m.source_extracted_at, m.execution_id)
                       AND (m.campaign_id, m.impressions, m.clicks, m.conversions, m.views, m.spend, m.currency, m.revenue,
                            m.data_quality_score, m.has_data_issues, m.client_id, m.billed_cpm)
                           IS DISTINCT FROM (EXCLUDED.campaign_id, EXCLUDED.impressions, EXCLUDED.clicks, EXCLUDED.conversions,
                                             EXCLUDED.views, EXCLUDED.spend, EXCLUDED.currency, EXCLUDED.revenue,
                                             EXCLUDED.data_quality_score, EXCLUDED.has_data_issues,
                                             EXCLUDED.client_id, EXCLUDED.billed_cpm))
                -- created_at is this transaction's only on a row it inserted, updated_at only on a row whose numbers
                -- it inserted or changed (a partitioned table returns no xmax to tell them apart)
                RETURNING m.entity_level, m.entity_id, m.metric_date, m.created_at = $17::timestamptz AS inserted,
                          m.updated_at = $17::timestamptz AS changed),
            -- the days whose summaries are now out of date (docs/summaries.md)
            dirty AS (
                INSERT INTO metric_summary_dirty (org_id, metric_date)
                -- in date order, as the refresher takes them (no crosswise waits)
                SELECT DISTINCT $1::uuid, metric_date FROM up WHERE changed ORDER BY metric_date
                ON CONFLICT (org_id, metric_date) DO UPDATE SET mark = EXCLUDED.mark, marked_at = EXCLUDED.marked_at),
            -- rows left as they are because a newer version of their numbers is recorded: looked for only when some row
            -- of the batch was not written (the statement's snapshot still shows the rows as they were before it)
            stale AS (
                SELECT CASE WHEN (SELECT count(*) FROM up) = (SELECT count(*) FROM accepted) THEN 0
                            -- a scalar sub-select per row is never turned into a join: one index probe a row
                            ELSE (SELECT count(*) FROM accepted a
                                  WHERE (SELECT (m.source_extracted_at, m.execution_id) > ($21::timestamptz, $3::uuid)
                                         FROM campaign_metrics m
                                         WHERE m.entity_level = a.entity_level AND m.entity_id = a.entity_id
                                           AND m.metric_date = a.metric_date::date)) END AS n),
            tally AS (
                SELECT (SELECT count(*) FROM up WHERE inserted)::int AS inserted,
                       (SELECT count(*) FROM up WHERE NOT inserted AND changed)::int AS updated,
                       ((SELECT count(*) FROM accepted) - (SELECT count(*) FROM up WHERE changed)
                        - (SELECT n FROM stale))::int AS unchanged,
                       (SELECT count(*) FROM skipped)::int AS skipped,
                       (SELECT n FROM stale)::int AS stale),
            ev AS (
                INSERT INTO outbox_event (id, aggregatetype, aggregateid, type, payload, source, subject, org_id, actor,
                                          occurred_at, specversion, datacontenttype, traceparent)
                SELECT gen_random_uuid(), '%s', $2::uuid::text, '%s',
                       jsonb_build_object(
                           'batchId', $2::uuid, 'organizationId', $1::uuid, 'executionId', $3::uuid, 'pipelineId', $4::uuid,
                           'inserted', t.inserted, 'updated', t.updated, 'unchanged', t.unchanged, 'skipped', t.skipped,
                           'stale', t.stale, 'cause', '%s',
                           'dates', coalesce((SELECT jsonb_agg(d ORDER BY d)
                                              FROM (SELECT DISTINCT metric_date AS d FROM up WHERE changed) x),
                                             '[]'::jsonb),
                           'entities', coalesce((SELECT jsonb_agg(jsonb_build_object('level', l, 'id', e) ORDER BY l, e)
                                                 FROM (SELECT DISTINCT entity_level AS l, entity_id AS e FROM up WHERE changed) x),
                                                '[]'::jsonb),
                           'skippedEntities', coalesce((SELECT jsonb_agg(jsonb_build_object('level', l, 'id', e) ORDER BY l, e)
                                                        FROM (SELECT DISTINCT entity_level AS l, entity_id AS e FROM skipped) x),
                                                       '[]'::jsonb)),
                       $18::text, 'metrics-batches/' || $2::uuid::text, $1::uuid::text, $19::text, $17::timestamptz, '%s',
                       'application/json', $20::text
                FROM tally t
                WHERE t.inserted + t.updated + t.skipped > 0
                RETURNING id)
            SELECT t.*, (SELECT id FROM ev) AS event_id FROM tally t
            """.formatted(AggregateTypes.CAMPAIGN_METRICS, MetricsRecorded.TYPE, MetricsRecorded.CAUSE_BATCH,
                    CloudEventHeaders.SPEC_VERSION_VALUE);

    /** What applying a batch did. */
    record Applied(int inserted, int updated, int unchanged, int skipped, int stale, UUID eventId) {
    }

    private final Pool pool;
    /** The last apply time handed out, in microseconds since the epoch. */
    private final AtomicLong lastApply = new AtomicLong();

    MetricsStore(Pool pool) {
        this.pool = pool;
    }

    /** Creates the month partitions of the batch's days that are missing; returns how many it created. */
    Uni<Integer> ensurePartitions(MetricsBatchRules.ValidBatch batch) {
        return pool.withTransaction(conn -> conn.preparedQuery(ENSURE_PARTITIONS)
                .execute(Tuple.of(batch.firstDate(), batch.lastDate()))
                .map(rows -> rows.iterator().next().getInteger("created")));
    }

    /**
     * The time an apply stamps on the rows it writes, to the microsecond: now, or a microsecond after the last one when
     * the clock has not moved on (or was set back), so that no two applies of this instance stamp the same time and a
     * row's created_at and updated_at tell which apply wrote it.
     */
    OffsetDateTime applyTime() {
        Instant now = Instant.now();
        long micros = lastApply.updateAndGet(last -> Math.max(ChronoUnit.MICROS.between(Instant.EPOCH, now), last + 1));
        return OffsetDateTime.ofInstant(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    /** Applies the batch once: empty when its id was recorded before (a redelivery), which changes nothing. */
    Uni<Optional<Applied>> apply(MetricsBatchRules.ValidBatch valid) {
        var batch = valid.batch();
        List<MetricsBatchRules.ValidRow> rows = valid.rows();
        int n = rows.size();
        String[] levels = new String[n];
        UUID[] ids = new UUID[n];
        String[] dates = new String[n];
        Long[] impressions = new Long[n];
        Long[] clicks = new Long[n];
        Long[] conversions = new Long[n];
        Long[] views = new Long[n];
        String[] spend = new String[n];
        String[] currency = new String[n];
        String[] revenue = new String[n];
        for (int k = 0; k < n; k++) {
            var r = rows.get(k);
            levels[k] = r.level();
            ids[k] = r.entityId();
            dates[k] = r.date().toString();
            impressions[k] = r.impressions();
            clicks[k] = r.clicks();
            conversions[k] = r.conversions();
            views[k] = r.views();
            spend[k] = r.spend().toPlainString();
            currency[k] = r.currency();
            revenue[k] = r.revenue().toPlainString();
        }
        List<Object> params = new ArrayList<>(List.of(batch.organizationId(), batch.batchId(), batch.executionId(), batch.pipelineId()));
        params.add(valid.dataQualityScore());
        params.add(batch.hasDataIssues());
        params.addAll(List.of(levels, ids, dates, impressions, clicks, conversions, views, spend, currency, revenue));
        params.add(applyTime());
        params.add(SOURCE);
        params.add(ACTOR);
        params.add(Traces.forEvent());
        params.add(OffsetDateTime.ofInstant(batch.extractedAt().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
        return pool.withTransaction(conn -> conn.query(SCOPE).execute()
                .chain(() -> conn.preparedQuery(FIRST_DELIVERY).execute(Tuple.of(batch.batchId(), CONSUMER)))
                .chain(first -> {
                    if (first.rowCount() == 0) {
                        return Uni.createFrom().item(Optional.<Applied>empty());
                    }
                    return conn.preparedQuery(BILLING_LOCK).execute(Tuple.of(batch.organizationId()))
                            .chain(() -> conn.preparedQuery(UPSERT).execute(Tuple.from(params))).chain(result -> {
                        Row r = result.iterator().next();
                        Applied applied = new Applied(r.getInteger("inserted"), r.getInteger("updated"), r.getInteger("unchanged"),
                                r.getInteger("skipped"), r.getInteger("stale"), r.getUUID("event_id"));
                        if (applied.eventId() == null) {
                            return Uni.createFrom().item(Optional.of(applied));
                        }
                        // relayed from the WAL; deleting it in the same transaction keeps the table empty (see Outbox)
                        return conn.preparedQuery("DELETE FROM outbox_event WHERE id = $1").execute(Tuple.of(applied.eventId()))
                                .replaceWith(Optional.of(applied));
                    });
                }));
    }
}
