package io.clp.campaign.sync;

import io.clp.dsp.EntityLevel;

import java.util.ArrayList;
import java.util.List;

/**
 * How one level of the hierarchy is stored, and the set-based SQL the sync writes it with: one upsert per page from
 * arrays ({@code unnest}), keyed by (org, DSP, external id), that updates a row only when something differs, resolves
 * the parent by its external id, and reports what it created, changed and removed. Every lookup is by the batch's own
 * ids, so a batch costs the same whatever the size of the account.
 */
enum LevelTable {

    CAMPAIGN(EntityLevel.CAMPAIGN, "campaigns", null, null, null, true),
    INSERTION_ORDER(EntityLevel.INSERTION_ORDER, "insertion_orders", "campaigns", "campaign_external_id", "campaign_id", true),
    LINE_ITEM(EntityLevel.LINE_ITEM, "line_items", "insertion_orders", "insertion_order_external_id", "insertion_order_id", true),
    CREATIVE(EntityLevel.CREATIVE, "creatives", "line_items", "line_item_external_id", "line_item_id", false);

    /**
     * The page's parameters: $1 org, $2 account, $3 dsp_type, $4 event source, $5 actor, $6 now, then one text array
     * per input column in this order.
     */
    static List<String> input() {
        return INPUT_COLUMNS;
    }

    // an enum's constants are built before its static fields: the SQL builder reads this through a holder
    private static final List<String> INPUT_COLUMNS = Columns.INPUT;

    private static final class Columns {
        static final List<String> INPUT = List.of("external_id", "parent_external_id", "name", "status", "native_status",
            "budget", "currency", "budget_type", "start_date", "end_date", "pacing", "labels", "attributes",
            "advertiser_id", "advertiser_name", "dsp_updated_at");
    }

    final EntityLevel level;
    final String table;
    final String parentTable;
    final String parentExternalColumn;
    final String parentColumn;
    final boolean money;
    final String upsert;

    LevelTable(EntityLevel level, String table, String parentTable, String parentExternalColumn, String parentColumn,
               boolean money) {
        this.level = level;
        this.table = table;
        this.parentTable = parentTable;
        this.parentExternalColumn = parentExternalColumn;
        this.parentColumn = parentColumn;
        this.money = money;
        this.upsert = buildUpsert();
    }

    static LevelTable of(EntityLevel level) {
        return values()[level.ordinal()];
    }

    /** Column, expression over the input row {@code i} (and parent {@code p}), and the field name events use. */
    private record Col(String column, String expression, String field) {
    }

    private List<Col> dataColumns() {
        List<Col> cols = new ArrayList<>();
        cols.add(new Col("name", "i.name", "name"));
        cols.add(new Col("status", "i.status", "status"));
        cols.add(new Col("native_status", "i.native_status", "nativeStatus"));
        if (money) {
            cols.add(new Col("budget", "i.budget::numeric", "budget"));
            cols.add(new Col("currency", "i.currency", "currency"));
            cols.add(new Col("budget_type", "i.budget_type", "budgetType"));
            cols.add(new Col("start_date", "i.start_date::date", "startDate"));
            cols.add(new Col("end_date", "i.end_date::date", "endDate"));
            cols.add(new Col("pacing", "i.pacing::jsonb", "pacing"));
        }
        cols.add(new Col("labels", "i.labels::jsonb", "labels"));
        cols.add(new Col("attributes", "i.attributes::jsonb", "attributes"));
        if (level == EntityLevel.CAMPAIGN) {
            cols.add(new Col("advertiser_id", "i.advertiser_id", "advertiserId"));
            cols.add(new Col("advertiser_name", "i.advertiser_name", "advertiserName"));
            cols.add(new Col("is_active", "i.status = 'active'", null));
        } else {
            cols.add(new Col(parentExternalColumn, "i.parent_external_id", null));
            cols.add(new Col(parentColumn, "p.id", null));
            if (level != EntityLevel.INSERTION_ORDER) {
                cols.add(new Col("campaign_id", "p.campaign_id", null));
            }
        }
        return cols;
    }

    private String buildUpsert() {
        List<Col> cols = dataColumns();
        StringBuilder arrays = new StringBuilder();
        for (int k = 0; k < Columns.INPUT.size(); k++) {
            arrays.append(k == 0 ? "" : ", ").append('$').append(7 + k).append("::text[]");
        }
        String insertColumns = "org_id, dsp_account_id, dsp_type, external_id, dsp_updated_at, removed_at, last_synced_at, sync_version, "
                + String.join(", ", cols.stream().map(Col::column).toList());
        String selectExpressions = "$1::uuid, $2::uuid, $3::dsp_type, i.external_id, i.dsp_updated_at::timestamptz, "
                + "CASE WHEN i.status = 'removed' THEN $6::timestamptz END, $6::timestamptz, 1, "
                + String.join(", ", cols.stream().map(Col::expression).toList());
        // parents and prior rows are looked up by the batch's own ids ($7 external ids, $8 parent external ids): index
        // probes bounded by the batch, where a join on (org, DSP) reads every row the account has at that level
        String parents = parentTable == null ? "" : """
                par AS MATERIALIZED (
                    SELECT p.id, p.external_id%s FROM %s p
                    WHERE p.org_id = $1::uuid AND p.dsp_type = $3::dsp_type AND p.external_id = ANY ($8::text[])),
                """.formatted(level == EntityLevel.INSERTION_ORDER ? "" : ", p.campaign_id", parentTable);
        String join = parentTable == null ? "" : " LEFT JOIN par p ON p.external_id = i.parent_external_id";
        // the account too: rows orphaned by a deleted account (ON DELETE SET NULL) re-attach to its reconnection
        String differs = "(t.dsp_account_id, " + String.join(", ", cols.stream().map(c -> "t." + c.column()).toList())
                + ") IS DISTINCT FROM (EXCLUDED.dsp_account_id, "
                + String.join(", ", cols.stream().map(c -> "EXCLUDED." + c.column()).toList()) + ")";
        String updates = String.join(", ", cols.stream().map(c -> c.column() + " = EXCLUDED." + c.column()).toList())
                + ", dsp_account_id = EXCLUDED.dsp_account_id, dsp_updated_at = EXCLUDED.dsp_updated_at"
                + ", removed_at = CASE WHEN EXCLUDED.status = 'removed' THEN coalesce(t.removed_at, EXCLUDED.removed_at) END"
                + ", last_synced_at = EXCLUDED.last_synced_at, sync_version = t.sync_version + 1";
        // only campaigns emit events (with their fields and what changed); the other levels need no more than the kind
        boolean emits = level == EntityLevel.CAMPAIGN;
        StringBuilder changed = new StringBuilder("array_remove(ARRAY[");
        List<Col> named = cols.stream().filter(c -> c.field() != null).toList();
        for (int k = 0; k < named.size(); k++) {
            Col c = named.get(k);
            changed.append(k == 0 ? "" : ", ").append("CASE WHEN o.").append(c.column()).append(" IS DISTINCT FROM u.")
                    .append(c.column()).append(" THEN '").append(c.field()).append("' END");
        }
        changed.append("]::text[], NULL)");
        String changedFields = emits ? changed.toString() : "NULL::text[]";
        String returning = !emits ? "t.id, t.status" : "t.id, t.org_id, t.dsp_account_id, t.dsp_type, t.external_id, t.sync_version, "
                + "t.removed_at, " + String.join(", ", cols.stream().map(c -> "t." + c.column()).toList());
        String before = emits ? "t.*" : "t.id, t.status";
        String events = level != EntityLevel.CAMPAIGN ? "" : """
                , ev AS (
                    INSERT INTO outbox_event (id, aggregatetype, aggregateid, type, payload, source, subject, org_id, actor,
                                              occurred_at, specversion, datacontenttype)
                    SELECT gen_random_uuid(), 'campaign', c.id::text, 'io.clp.campaign.' || c.kind || '.v1',
                           jsonb_build_object('id', c.id, 'organizationId', c.org_id, 'dspAccountId', c.dsp_account_id,
                                              'dspType', c.dsp_type, 'externalId', c.external_id, 'syncVersion', c.sync_version)
                           || CASE c.kind
                                WHEN 'removed' THEN jsonb_build_object('removedAt', c.removed_at)
                                WHEN 'created' THEN jsonb_build_object('name', c.name, 'status', c.status)
                                ELSE jsonb_build_object('name', c.name, 'status', c.status, 'changedFields', to_jsonb(c.changed))
                              END,
                           $4, 'campaigns/' || c.id, c.org_id::text, $5, $6::timestamptz, '1.0', 'application/json'
                    FROM changes c
                    RETURNING id)
                SELECT c.kind, count(*)::int AS n, (SELECT array_agg(id) FROM ev) AS events FROM changes c GROUP BY c.kind
                """;
        // $4 and $5 name the events' source and actor, which only campaigns emit: typed here so every level binds the same
        String tally = level == EntityLevel.CAMPAIGN ? "" : "SELECT c.kind, count(*)::int AS n, NULL::uuid[] AS events, $4::text AS source, "
                + "$5::text AS actor FROM changes c GROUP BY c.kind";
        return """
                WITH i AS (
                    -- an entity listed twice in a batch (offset paging shifts when rows move): the last listing wins
                    SELECT DISTINCT ON (external_id) * FROM unnest(%s) WITH ORDINALITY
                        AS x(%s, listed)
                    ORDER BY external_id, listed DESC),
                o AS MATERIALIZED (
                    SELECT %s FROM %s t WHERE t.org_id = $1::uuid AND t.dsp_type = $3::dsp_type AND t.external_id = ANY ($7::text[])),
                %sup AS (
                    INSERT INTO %s AS t (%s)
                    SELECT %s FROM i%s
                    ON CONFLICT (org_id, dsp_type, external_id) DO UPDATE SET %s
                    WHERE %s
                    RETURNING %s),
                changes AS (
                    SELECT u.*, CASE WHEN o.id IS NULL THEN 'created'
                                     WHEN u.status = 'removed' AND o.status IS DISTINCT FROM 'removed' THEN 'removed'
                                     ELSE 'changed' END AS kind,
                           %s AS changed
                    FROM up u LEFT JOIN o ON o.id = u.id)
                %s%s
                """.formatted(arrays, String.join(", ", Columns.INPUT), before, table, parents, table, insertColumns, selectExpressions, join,
                updates, differs, returning, changedFields, tally, events);
    }

    /** Marks the account's rows of this level that a full run did not see as removed; $1 org, $2 account, $3 run, $4 now. */
    String markUnseen() {
        String events = level != EntityLevel.CAMPAIGN ? "SELECT count(*)::int AS n, NULL::uuid[] AS events, $5::text AS source, $6::text AS actor FROM gone" : """
                , ev AS (
                    INSERT INTO outbox_event (id, aggregatetype, aggregateid, type, payload, source, subject, org_id, actor,
                                              occurred_at, specversion, datacontenttype)
                    SELECT gen_random_uuid(), 'campaign', g.id::text, 'io.clp.campaign.removed.v1',
                           jsonb_build_object('id', g.id, 'organizationId', g.org_id, 'dspAccountId', g.dsp_account_id,
                                              'dspType', g.dsp_type, 'externalId', g.external_id, 'syncVersion', g.sync_version,
                                              'removedAt', g.removed_at),
                           $5, 'campaigns/' || g.id, g.org_id::text, $6, $4::timestamptz, '1.0', 'application/json'
                    FROM gone g
                    RETURNING id)
                SELECT (SELECT count(*)::int FROM gone) AS n, (SELECT array_agg(id) FROM ev) AS events
                """;
        String activeFlag = level == EntityLevel.CAMPAIGN ? ", is_active = false" : "";
        return """
                WITH gone AS (
                    UPDATE %s t SET status = 'removed', removed_at = $4::timestamptz, last_synced_at = $4::timestamptz,
                                    sync_version = t.sync_version + 1%s
                    WHERE t.org_id = $1::uuid AND t.dsp_account_id = $2::uuid AND t.status <> 'removed'
                      -- entities a daily file's pipeline created (external id "file:...", docs/adr/0012) are not the
                      -- DSP's: its listing never has them, and they are never removed for being absent from it
                      AND t.external_id NOT LIKE 'file:%%'
                      -- NOT EXISTS, not NOT IN: an anti-join (hashed, or probing sync_seen's primary key) stays linear
                      -- however many ids a run saw; NOT IN falls back to a quadratic scan once its hash outgrows work_mem
                      AND NOT EXISTS (SELECT 1 FROM sync_seen s WHERE s.run_id = $3::uuid AND s.level = %d
                                                                 AND s.external_id = t.external_id)
                    RETURNING t.id, t.org_id, t.dsp_account_id, t.dsp_type, t.external_id, t.sync_version, t.removed_at)
                %s
                """.formatted(table, activeFlag, ordinal(), events);
    }
}
