package io.clp.pipeline.run.stage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The staging tables of one execution (docs/adr/0011-staging-tables.md): unlogged, without row-level security, in
 * the service's schema, named after the execution ({@code stg_<execution id, 32 hex digits>_<part>}), never mapped to
 * an entity nor readable through the API, never in change data capture (unlogged tables write no WAL). After a
 * PostgreSQL crash they are empty: {@code done} then has no row, and the data path loads silver again from bronze.
 */
record Staging(String schema, String prefix) {

    /** Matches every staging table's name; the janitor drops those whose execution is gone or long finished. */
    static final Pattern NAME = Pattern.compile("stg_([0-9a-f]{32})_(rows|keys|rejects|done|silver|gold|changes)");

    static Staging of(String schema, UUID executionId) {
        return new Staging(schema, "stg_" + executionId.toString().replace("-", ""));
    }

    static UUID executionOf(String tableName) {
        String hex = tableName.substring(4, 36);
        return UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20));
    }

    /** Good rows, typed; entities by key id. */
    String rows() {
        return schema + "." + prefix + "_rows";
    }

    /** Distinct entity keys of the rows, interned to small ids, with what they resolved to. */
    String keys() {
        return schema + "." + prefix + "_keys";
    }

    /** Refused rows on their way to ingestion_rejects. */
    String rejects() {
        return schema + "." + prefix + "_rejects";
    }

    /** One row once silver is loaded (stage 'loaded') and once its entities are resolved (stage 'resolved'). */
    String done() {
        return schema + "." + prefix + "_done";
    }

    /** Gold as the execution computed it: one row per level, entity and day, before it is compared with gold. */
    String gold() {
        return schema + "." + prefix + "_gold";
    }

    /** The gold rows the execution inserted, restated or zeroed: what it publishes. */
    String changes() {
        return schema + "." + prefix + "_changes";
    }

    /** Silver as the data-quality checks and gold read it: rows joined with their keys (a view). */
    String silver() {
        return schema + "." + prefix + "_silver";
    }

    void create(Connection c) throws SQLException {
        drop(c);
        try (Statement st = c.createStatement()) {
            st.execute("CREATE UNLOGGED TABLE " + rows() + " (object_no integer NOT NULL, line_no bigint NOT NULL, "
                    + "metric_date date NOT NULL, key_id integer NOT NULL, impressions bigint, clicks bigint, "
                    + "conversions bigint, views bigint, spend_micros bigint, revenue_micros bigint, currency text) "
                    + "WITH (autovacuum_enabled = false)");
            st.execute("CREATE UNLOGGED TABLE " + keys() + " (key_id integer PRIMARY KEY, level text NOT NULL, "
                    + "campaign_name text, insertion_order_name text, line_item_name text, creative_name text, "
                    + "external_id text, campaign_id uuid, insertion_order_id uuid, line_item_id uuid, creative_id uuid, "
                    + "currency text)");
            st.execute("CREATE UNLOGGED TABLE " + rejects() + " (object_no integer NOT NULL, line_no bigint NOT NULL, "
                    + "reasons text NOT NULL, raw_line text)");
            st.execute("CREATE UNLOGGED TABLE " + done() + " (stage text PRIMARY KEY)");
            st.execute("CREATE VIEW " + silver() + " AS SELECT r.object_no, r.line_no, r.metric_date, k.level, r.key_id, "
                    + "k.campaign_name, k.insertion_order_name, k.line_item_name, k.creative_name, k.external_id, "
                    + "r.impressions, r.clicks, r.conversions, r.views, "
                    + "r.spend_micros / 1000000.0 AS spend, coalesce(r.currency, k.currency) AS currency, "
                    + "r.revenue_micros / 1000000.0 AS revenue, "
                    + "k.campaign_id, k.insertion_order_id, k.line_item_id, k.creative_id "
                    + "FROM " + rows() + " r JOIN " + keys() + " k ON k.key_id = r.key_id");
        }
    }

    void drop(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP VIEW IF EXISTS " + silver());
            st.execute("DROP TABLE IF EXISTS " + rows() + ", " + keys() + ", " + rejects() + ", " + done() + ", " + gold()
                    + ", " + changes());
        }
    }

    /** Creates gold's work tables afresh (a retried gold starts over). */
    void createGold(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + gold() + ", " + changes());
            String columns = "(level varchar(20) NOT NULL, entity_id uuid NOT NULL, metric_date date NOT NULL, "
                    + "impressions bigint NOT NULL, clicks bigint NOT NULL, conversions bigint NOT NULL, views bigint NOT NULL, "
                    + "spend numeric(20, 6), currency char(3), revenue numeric(20, 6)) WITH (autovacuum_enabled = false)";
            st.execute("CREATE UNLOGGED TABLE " + gold() + " " + columns);
            // every row of the delivered days as gold will hold them, the changed ones marked (see DataPath.GOLD_MERGE)
            st.execute("CREATE UNLOGGED TABLE " + changes() + " " + columns.replace(") WITH", ", execution_id uuid NOT NULL, "
                    + "extracted_at timestamptz NOT NULL, kind text) WITH"));
        }
    }

    /** Whether silver got to {@code stage} and survived: false when the tables are missing or emptied by a crash. */
    boolean reached(Connection c, String stage) throws SQLException {
        try (Statement st = c.createStatement()) {
            try (var rs = st.executeQuery("SELECT to_regclass('" + done() + "') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return false;
                }
            }
            try (var rs = st.executeQuery("SELECT count(*) FROM " + done() + " WHERE stage = '" + stage + "'")) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    void mark(Connection c, String stage) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("INSERT INTO " + done() + " (stage) VALUES ('" + stage + "') ON CONFLICT DO NOTHING");
        }
    }
}
