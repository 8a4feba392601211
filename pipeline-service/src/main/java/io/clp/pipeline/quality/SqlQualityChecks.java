package io.clp.pipeline.quality;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clp.pipeline.quality.QualityConfig.Check;
import io.clp.pipeline.quality.QualityConfig.Severity;
import io.clp.pipeline.template.Re2jRegularExpressions;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The data-quality checks as set-based SQL over the execution's silver staging table (docs/pipelines.md, "Data
 * quality"). The row checks (required fields, ranges, ratios, enums, unknown entities) and the newest day share one
 * scan; each other family is one statement (a sample query runs only for a check that found failures). Name patterns
 * are user-written, so they are never given to PostgreSQL: they are matched with RE2J (linear time) in Java on the
 * distinct names only, streamed.
 */
@ApplicationScoped
public class SqlQualityChecks implements QualityChecks {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The work_mem the checks' statements run with (see {@link #setting}). */
    static final String WORK_MEM = "64MB";

    /** How many failures a stored row keeps as samples. */
    static final int SAMPLES = 10;

    static final List<String> LEVELS = List.of("campaign", "insertion_order", "line_item", "creative");

    /** The level the anomaly checks watch unless configured: what an analyst watches, and few groups. */
    static final String DEFAULT_ANOMALY_LEVEL = "campaign";

    /** The columns {@code requiredFields.fields} may name; {@code entity} is the row's entity key (key_id or external_id). */
    static final Map<String, String> REQUIRED_FIELDS = requiredFields();

    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

    /** The row's own entity id for its level (null: the entity is unknown). */
    static final String ENTITY = "(CASE level WHEN 'campaign' THEN campaign_id WHEN 'insertion_order' THEN insertion_order_id "
            + "WHEN 'line_item' THEN line_item_id WHEN 'creative' THEN creative_id END)";

    /**
     * The ISO 4217 codes the JVM knows, as an SQL array literal (spliced, not bound, so that PostgreSQL plans it as a
     * constant and hashes it); each code is three capital letters, checked here.
     */
    static final String CURRENCIES = Currency.getAvailableCurrencies().stream().map(Currency::getCurrencyCode)
            .filter(code -> code.matches("[A-Z]{3}")).sorted()
            .collect(java.util.stream.Collectors.joining(",", "'{", "}'::text[]"));

    private static final String LEVEL_SQL = "('campaign', 'insertion_order', 'line_item', 'creative')";

    private static Map<String, String> requiredFields() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String c : List.of("metric_date", "level", "external_id", "campaign_name", "insertion_order_name",
                "line_item_name", "creative_name", "impressions", "clicks", "conversions", "views", "spend", "currency",
                "revenue")) {
            m.put(c, c + " IS NULL");
        }
        m.put("entity", "(key_id IS NULL AND external_id IS NULL)");
        return m;
    }

    static final List<String> DEFAULT_REQUIRED = List.of("metric_date", "level", "entity", "impressions");

    @Override
    public QualityOutcome check(Connection connection, QualityContext context) throws SQLException {
        if (context.silverTable() == null || !TABLE.matcher(context.silverTable()).matches()) {
            throw new IllegalArgumentException("not a table name: " + context.silverTable());
        }
        QualityConfig config = new QualityConfig(context.config());
        if (!config.enabled()) {
            return new QualityOutcome(false, null, new BigDecimal("100.00"), false);
        }
        String workMem = setting(connection, "work_mem", WORK_MEM);
        Run run = new Run(connection, context, config);
        List<CheckResult> results = run.all();
        store(connection, context, results);
        // on a failure the transaction is aborted and the caller's rollback undoes the setting
        setting(connection, "work_mem", workMem);
        return outcome(results);
    }

    /**
     * The verdict: blocked by the first failed check of severity block (in the order the checks run); the score is
     * 100 × the weighted mean of the checks' pass shares (pass_count / check_count), block checks weighing 2 and warn
     * checks 1, over the checks that checked something; 100 when none did.
     */
    static QualityOutcome outcome(List<CheckResult> results) {
        String blocking = null;
        boolean issues = false;
        double weighted = 0;
        double weights = 0;
        for (CheckResult r : results) {
            if (r.blocks() && blocking == null) {
                blocking = r.name();
            }
            issues |= r.failed();
            if (r.checkCount() > 0) {
                double w = r.severity() == Severity.BLOCK ? 2 : 1;
                weighted += w * ((double) r.passCount() / r.checkCount());
                weights += w;
            }
        }
        BigDecimal score = weights == 0 ? new BigDecimal("100.00")
                : BigDecimal.valueOf(100 * weighted / weights).setScale(2, RoundingMode.HALF_UP);
        return new QualityOutcome(blocking != null, blocking, score, issues);
    }

    private static void store(Connection c, QualityContext ctx, List<CheckResult> results) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO pipeline.data_quality_metrics (execution_id, pipeline_id, org_id, layer, metric_type, metric_name,
                    check_count, pass_count, fail_count, severity, details, sample_failures)
                VALUES (?, ?, ?, 'silver', ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb))
                """)) {
            for (CheckResult r : results) {
                ps.setObject(1, ctx.executionId());
                ps.setObject(2, ctx.pipelineId());
                ps.setObject(3, ctx.organizationId());
                ps.setString(4, r.family());
                ps.setString(5, r.name());
                ps.setInt(6, clamp(r.checkCount()));
                ps.setInt(7, clamp(r.passCount()));
                ps.setInt(8, clamp(r.failCount()));
                ps.setString(9, r.severity().value());
                ps.setString(10, r.details().toString());
                ps.setString(11, r.samples());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Sets a setting for the rest of the caller's transaction and answers its value before. The checks' aggregates
     * group a silver table by entity and day: with PostgreSQL's default work_mem (4 MB) a million groups spill to
     * disk; the checks raise it while they run, and the previous value is put back after.
     */
    private static String setting(Connection c, String name, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting(?), set_config(?, ?, true)")) {
            ps.setString(1, name);
            ps.setString(2, name);
            ps.setString(3, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static int clamp(long n) {
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    /** The checks of one execution. */
    private static final class Run {
        final Connection c;
        final QualityContext ctx;
        final QualityConfig config;
        final String silver;
        final List<CheckResult> results = new ArrayList<>();

        Run(Connection c, QualityContext ctx, QualityConfig config) {
            this.c = c;
            this.ctx = ctx;
            this.config = config;
            this.silver = ctx.silverTable();
        }

        List<CheckResult> all() throws SQLException {
            Check missingColumns = config.check("missingColumns", Severity.BLOCK);
            Check extraColumns = config.check("extraColumns", Severity.WARN);
            Check reorderedColumns = config.check("reorderedColumns", Severity.WARN);
            schemaDrift(missingColumns, extraColumns, reorderedColumns);
            rowChecks();
            missingDays(config.check("missingDays", Severity.WARN));
            names(config.check("names", Severity.WARN));
            duplicates(config.check("duplicates", Severity.BLOCK, false));
            rejectedDuplicates(config.check("rejectedDuplicates", Severity.WARN));
            volume(config.check("volume", Severity.WARN));
            anomalies(config.check("spendAnomaly", Severity.WARN), config.check("impressionsAnomaly", Severity.WARN));
            return results;
        }

        private void add(Check check, String family, long checked, long failed, ObjectNode details, String samples) {
            boolean fails = failed > 0 && failed > check.tolerance * checked;
            details.put("failed", fails);
            if (check.tolerance > 0) {
                details.put("tolerance", check.tolerance);
            }
            if (!check.notes.isEmpty()) {
                ArrayNode notes = details.withArray("configNotes");
                check.notes.forEach(notes::add);
            }
            results.add(new CheckResult(family, check.name, checked, failed, check.severity, fails, details,
                    samples == null ? "[]" : samples));
        }

        // ---- schema drift ------------------------------------------------------------------------------------------

        private void schemaDrift(Check missing, Check extra, Check reordered) {
            List<String> expected = normalized(ctx.headerExpected());
            List<String> received = normalized(ctx.headerReceived());
            if (expected.isEmpty() || ctx.headerReceived() == null) {
                return; // a source without a header (an API report): nothing to compare
            }
            List<String> missingCols = expected.stream().filter(c -> !received.contains(c)).toList();
            List<String> extraCols = received.stream().filter(c -> !expected.contains(c)).toList();
            List<String> commonExpected = expected.stream().filter(received::contains).toList();
            List<String> commonReceived = received.stream().filter(expected::contains).distinct().toList();
            List<String> moved = new ArrayList<>();
            for (int i = 0; i < commonExpected.size(); i++) {
                if (!commonExpected.get(i).equals(commonReceived.get(i))) {
                    moved.add(commonExpected.get(i));
                }
            }
            if (missing.enabled) {
                ObjectNode d = header(expected, received);
                d.set("missing", array(missingCols));
                add(missing, "schema_drift", expected.size(), missingCols.size(), d, columnSamples(missingCols, expected, "expected"));
            }
            if (extra.enabled) {
                ObjectNode d = header(expected, received);
                d.set("extra", array(extraCols));
                add(extra, "schema_drift", received.size(), extraCols.size(), d, columnSamples(extraCols, received, "received"));
            }
            if (reordered.enabled) {
                ObjectNode d = header(expected, received);
                d.set("reordered", array(moved));
                ArrayNode s = JSON.createArrayNode();
                for (String col : moved.subList(0, Math.min(SAMPLES, moved.size()))) {
                    s.addObject().put("column", col).put("expectedPosition", expected.indexOf(col) + 1)
                            .put("receivedPosition", received.indexOf(col) + 1);
                }
                add(reordered, "schema_drift", commonExpected.size(), moved.size(), d, s.toString());
            }
        }

        private static List<String> normalized(List<String> header) {
            if (header == null) {
                return List.of();
            }
            return header.stream().map(h -> h == null ? "" : h.strip().toLowerCase(Locale.ROOT)).toList();
        }

        private static ObjectNode header(List<String> expected, List<String> received) {
            ObjectNode d = JSON.createObjectNode();
            d.set("expected", array(expected));
            d.set("received", array(received));
            return d;
        }

        private static String columnSamples(List<String> columns, List<String> in, String where) {
            ArrayNode s = JSON.createArrayNode();
            for (String col : columns.subList(0, Math.min(SAMPLES, columns.size()))) {
                s.addObject().put("column", col).put(where + "Position", in.indexOf(col) + 1);
            }
            return s.toString();
        }

        // ---- the row checks: one scan ------------------------------------------------------------------------------

        private void rowChecks() throws SQLException {
            Check required = config.check("requiredFields", Severity.BLOCK);
            Check ranges = config.check("ranges", Severity.BLOCK);
            Check ratios = config.check("ratios", Severity.WARN);
            Check enums = config.check("enums", Severity.BLOCK);
            Check unknown = config.check("unknownEntities", Severity.BLOCK);
            Check freshness = config.check("freshness", Severity.WARN);

            List<String> fields = required.strings("fields", DEFAULT_REQUIRED, REQUIRED_FIELDS.keySet());
            String requiredSql = String.join(" OR ", fields.stream().map(REQUIRED_FIELDS::get).toList());
            String requiredNames = "array_remove(ARRAY[" + String.join(", ", fields.stream()
                    .map(f -> "CASE WHEN " + REQUIRED_FIELDS.get(f) + " THEN '" + f + "' END").toList()) + "], NULL)";
            String rangesSql = "impressions < 0 OR clicks < 0 OR conversions < 0 OR views < 0 OR spend < 0 OR revenue < 0";
            boolean conversionsWithinClicks = ratios.flag("conversionsWithinClicks", false);
            String ratiosSql = "clicks > impressions" + (conversionsWithinClicks ? " OR conversions > clicks" : "");
            String enumsSql = "(currency IS NOT NULL AND NOT (currency::text = ANY (" + CURRENCIES + "))) OR (level IS NOT NULL "
                    + "AND level NOT IN " + LEVEL_SQL + ")";
            String unknownSql = "level IN " + LEVEL_SQL + " AND " + ENTITY + " IS NULL";

            long total;
            long requiredFail;
            long rangesFail;
            long ratiosFail;
            long enumsFail;
            long unknownFail;
            LocalDate newest;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*), "
                    + "count(*) FILTER (WHERE " + requiredSql + "), "
                    + "count(*) FILTER (WHERE " + rangesSql + "), "
                    + "count(*) FILTER (WHERE " + ratiosSql + "), "
                    + "count(*) FILTER (WHERE " + enumsSql + "), "
                    + "count(*) FILTER (WHERE " + unknownSql + "), "
                    + "max(metric_date) FROM " + silver)) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                    requiredFail = rs.getLong(2);
                    rangesFail = rs.getLong(3);
                    ratiosFail = rs.getLong(4);
                    enumsFail = rs.getLong(5);
                    unknownFail = rs.getLong(6);
                    newest = rs.getObject(7, LocalDate.class);
                }
            }

            if (required.enabled) {
                ObjectNode d = JSON.createObjectNode();
                d.set("fields", array(fields));
                add(required, "missing", total, requiredFail, d, requiredFail == 0 ? null : samples(
                        "jsonb_build_object('line', line_no, 'fields', to_jsonb(" + requiredNames + "))", requiredSql));
            }
            if (ranges.enabled) {
                ObjectNode d = JSON.createObjectNode();
                d.put("rule", "impressions, clicks, conversions, views, spend and revenue are not negative");
                add(ranges, "validity", total, rangesFail, d, rangesFail == 0 ? null : samples(
                        "jsonb_build_object('line', line_no, 'impressions', impressions, 'clicks', clicks, 'conversions', "
                                + "conversions, 'views', views, 'spend', spend, 'revenue', revenue)", rangesSql));
            }
            if (ratios.enabled) {
                ObjectNode d = JSON.createObjectNode();
                d.put("rule", conversionsWithinClicks ? "clicks ≤ impressions and conversions ≤ clicks" : "clicks ≤ impressions");
                d.put("conversionsWithinClicks", conversionsWithinClicks);
                add(ratios, "validity", total, ratiosFail, d, ratiosFail == 0 ? null : samples(
                        "jsonb_build_object('line', line_no, 'impressions', impressions, 'clicks', clicks, 'conversions', conversions)",
                        ratiosSql));
            }
            if (enums.enabled) {
                ObjectNode d = JSON.createObjectNode();
                d.put("rule", "currency is an ISO 4217 code; level is one of " + String.join(", ", LEVELS));
                add(enums, "validity", total, enumsFail, d, enumsFail == 0 ? null : samples(
                        "jsonb_build_object('line', line_no, 'level', level, 'currency', currency)", enumsSql));
            }
            if (unknown.enabled) {
                ObjectNode d = JSON.createObjectNode();
                d.put("rule", "the row's entity is resolved at its level");
                add(unknown, "referential", total, unknownFail, d, unknownFail == 0 ? null : samples(
                        "jsonb_build_object('line', line_no, 'level', level, 'externalId', external_id, 'name', CASE level "
                                + "WHEN 'campaign' THEN campaign_name WHEN 'insertion_order' THEN insertion_order_name "
                                + "WHEN 'line_item' THEN line_item_name ELSE creative_name END)", unknownSql));
            }
            if (freshness.enabled) {
                freshness(freshness, newest);
            }
        }

        /** Up to ten failing rows, first lines first, as a JSON array. */
        private String samples(String object, String where) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(jsonb_agg(s.o ORDER BY s.line_no), '[]'::jsonb)::text "
                    + "FROM (SELECT line_no, " + object + " AS o FROM " + silver + " WHERE " + where
                    + " ORDER BY line_no LIMIT " + SAMPLES + ") s")) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        }

        // ---- freshness ---------------------------------------------------------------------------------------------

        private void freshness(Check check, LocalDate newest) {
            double maxDataLag = check.number("maxDataLagHours", 24, 0, 24 * 366);
            double maxSourceLag = check.number("maxSourceLagHours", 14, 0, 24 * 366);
            Instant windowEnd = ctx.to().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            ObjectNode d = JSON.createObjectNode();
            d.put("windowEnd", windowEnd.toString());
            d.put("maxDataLagHours", maxDataLag);
            d.put("maxSourceLagHours", maxSourceLag);
            ArrayNode s = JSON.createArrayNode();
            long checked = 1;
            long failed = 0;
            if (newest == null) {
                d.putNull("newestMetricDate");
                d.put("note", "no rows: no metric date to measure");
                failed++;
                s.addObject().put("measure", "dataLag").put("reason", "no rows");
            } else {
                double lag = Duration.between(newest.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC), windowEnd).toMinutes() / 60.0;
                d.put("newestMetricDate", newest.toString());
                d.put("dataLagHours", lag);
                if (lag > maxDataLag) {
                    failed++;
                    s.addObject().put("measure", "dataLag").put("newestMetricDate", newest.toString()).put("hours", lag);
                }
            }
            if (ctx.sourceModifiedAt() != null) {
                checked++;
                double lag = Duration.between(ctx.sourceModifiedAt(), windowEnd).toMinutes() / 60.0;
                d.put("sourceModifiedAt", ctx.sourceModifiedAt().toString());
                d.put("sourceLagHours", lag);
                if (lag > maxSourceLag) {
                    failed++;
                    s.addObject().put("measure", "sourceLag").put("sourceModifiedAt", ctx.sourceModifiedAt().toString())
                            .put("hours", lag);
                }
            } else {
                d.put("sourceNote", "the source's modification time is not known: only the data lag is measured");
            }
            add(check, "freshness", checked, failed, d, s.toString());
        }

        // ---- missing days ------------------------------------------------------------------------------------------

        private void missingDays(Check check) throws SQLException {
            if (!check.enabled) {
                return;
            }
            List<LocalDate> missing = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT g.d::date FROM generate_series(?::date, ?::date, interval '1 day') g(d) "
                    + "LEFT JOIN (SELECT DISTINCT metric_date FROM " + silver + ") s ON s.metric_date = g.d::date "
                    + "WHERE s.metric_date IS NULL ORDER BY 1")) {
                ps.setObject(1, ctx.from());
                ps.setObject(2, ctx.to());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        missing.add(rs.getObject(1, LocalDate.class));
                    }
                }
            }
            long days = ctx.to().toEpochDay() - ctx.from().toEpochDay() + 1;
            ObjectNode d = JSON.createObjectNode();
            d.put("from", ctx.from().toString());
            d.put("to", ctx.to().toString());
            d.put("days", days);
            ArrayNode s = JSON.createArrayNode();
            missing.stream().limit(SAMPLES).forEach(day -> s.addObject().put("date", day.toString()));
            add(check, "missing", days, missing.size(), d, s.toString());
        }

        // ---- names (RE2J, distinct names only) ---------------------------------------------------------------------

        private void names(Check check) throws SQLException {
            if (!check.enabled) {
                return;
            }
            Map<String, String> columns = Map.of("campaign", "campaign_name", "insertionOrder", "insertion_order_name",
                    "lineItem", "line_item_name", "creative", "creative_name");
            Map<String, String> patterns = check.stringMap("patterns", new TreeSet<>(columns.keySet()));
            Map<String, com.google.re2j.Pattern> compiled = new LinkedHashMap<>();
            ObjectNode d = JSON.createObjectNode();
            ObjectNode used = d.putObject("patterns");
            patterns.forEach((key, regex) -> {
                String problem = Re2jRegularExpressions.problem(regex);
                if (problem != null) {
                    check.notes.add("patterns." + key + " " + problem + ": ignored");
                } else {
                    compiled.put(key, com.google.re2j.Pattern.compile(regex));
                    used.put(key, regex);
                }
            });
            if (compiled.isEmpty()) {
                if (!check.notes.isEmpty()) {
                    d.put("note", "no usable pattern: nothing checked");
                    add(check, "validity", 0, 0, d, null);
                }
                return; // no pattern configured: the check has nothing to do
            }
            long checked = 0;
            long failed = 0;
            // the ten failing names with the first lines
            java.util.TreeMap<Long, ObjectNode> first = new java.util.TreeMap<>();
            // one scan: each patterned column's distinct names are one grouping set (hashed side by side)
            List<String> keys = new ArrayList<>(compiled.keySet());
            List<String> cols = keys.stream().map(columns::get).toList();
            StringBuilder which = new StringBuilder("CASE");
            for (int i = 0; i < cols.size(); i++) {
                which.append(" WHEN GROUPING(").append(cols.get(i)).append(") = 0 THEN ").append(i);
            }
            which.append(" END");
            StringBuilder value = new StringBuilder("CASE");
            for (int i = 0; i < cols.size(); i++) {
                value.append(" WHEN GROUPING(").append(cols.get(i)).append(") = 0 THEN ").append(cols.get(i));
            }
            value.append(" END");
            String sets = String.join(", ", cols.stream().map(col -> "(" + col + ")").toList());
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM (SELECT " + which + " AS field, " + value
                    + " AS name, count(*) AS n, min(line_no) AS line FROM " + silver + " GROUP BY GROUPING SETS (" + sets
                    + ")) g WHERE name IS NOT NULL")) {
                ps.setFetchSize(1_000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String key = keys.get(rs.getInt(1));
                        String name = rs.getString(2);
                        long rows = rs.getLong(3);
                        checked += rows;
                        if (!compiled.get(key).matcher(name).find()) {
                            failed += rows;
                            long line = rs.getLong(4);
                            if (first.size() < SAMPLES || line < first.lastKey()) {
                                ObjectNode o = JSON.createObjectNode().put("line", line).put("field", key)
                                        .put("name", name.length() > 200 ? name.substring(0, 200) : name).put("rows", rows);
                                first.put(line, o);
                                if (first.size() > SAMPLES) {
                                    first.pollLastEntry();
                                }
                            }
                        }
                    }
                }
            }
            d.put("unit", "name values (a row is checked once per field with a pattern)");
            ArrayNode s = JSON.createArrayNode();
            first.values().forEach(s::add);
            add(check, "validity", checked, failed, d, s.toString());
        }

        // ---- uniqueness --------------------------------------------------------------------------------------------

        private void duplicates(Check check) throws SQLException {
            if (!check.enabled) {
                return;
            }
            String key = "metric_date, level, key_id, external_id";
            long total;
            long groups;
            long excess;
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(n), 0), count(*) FILTER (WHERE n > 1), "
                    + "coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM " + silver + " GROUP BY " + key + ") g");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
                groups = rs.getLong(2);
                excess = rs.getLong(3);
            }
            ObjectNode d = JSON.createObjectNode();
            d.put("key", "metric_date, level, entity key (key_id, external_id)");
            d.put("duplicateGroups", groups);
            String samples = null;
            if (excess > 0) {
                try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(jsonb_agg(jsonb_build_object('line', line_no, "
                        + "'firstLine', first_line, 'date', metric_date, 'level', level, 'externalId', external_id) "
                        + "ORDER BY line_no), '[]'::jsonb)::text FROM (SELECT * FROM (SELECT line_no, metric_date, level, external_id, "
                        + "row_number() OVER w AS rn, min(line_no) OVER w AS first_line FROM " + silver
                        + " WINDOW w AS (PARTITION BY " + key + " ORDER BY line_no)) x WHERE rn > 1 ORDER BY line_no LIMIT " + SAMPLES + ") s");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    samples = rs.getString(1);
                }
            }
            add(check, "uniqueness", total, excess, d, samples);
        }

        private void rejectedDuplicates(Check check) throws SQLException {
            if (!check.enabled) {
                return;
            }
            String where = "r.execution_id = ? AND (r.reasons ILIKE 'duplicate%' OR r.reasons ILIKE '%; duplicate%')";
            long rejected;
            String samples;
            try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT count(*) FROM pipeline.ingestion_rejects r WHERE "
                    + where + "), (SELECT coalesce(jsonb_agg(jsonb_build_object('line', s.line_no, 'reasons', to_jsonb(string_to_array(s.reasons, '; '))) "
                    + "ORDER BY s.line_no), '[]'::jsonb)::text FROM (SELECT r.line_no, r.reasons FROM pipeline.ingestion_rejects r "
                    + "WHERE " + where + " ORDER BY r.line_no LIMIT " + SAMPLES + ") s), (SELECT count(*) FROM " + silver + ")")) {
                ps.setObject(1, ctx.executionId());
                ps.setObject(2, ctx.executionId());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    rejected = rs.getLong(1);
                    samples = rs.getString(2);
                    long silverRows = rs.getLong(3);
                    ObjectNode d = JSON.createObjectNode();
                    d.put("rule", "rows silver refused with a reason starting with \"duplicate\"");
                    d.put("silverRows", silverRows);
                    d.put("rejectedRows", ctx.rejectedRows());
                    add(check, "uniqueness", silverRows + Math.max(ctx.rejectedRows(), rejected), rejected, d, samples);
                }
            }
        }

        // ---- volume ------------------------------------------------------------------------------------------------

        private void volume(Check check) throws SQLException {
            if (!check.enabled) {
                return;
            }
            int executions = check.integer("executions", 7, 1, 100);
            int minExecutions = check.integer("minExecutions", 3, 1, 100);
            double maxDeviation = check.number("maxDeviation", 0.5, 0, 1_000);
            long rows;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + silver);
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                rows = rs.getLong(1);
            }
            long days = ctx.to().toEpochDay() - ctx.from().toEpochDay() + 1;
            double perDay = (double) rows / Math.max(1, days);
            long history;
            Double average;
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT count(*), avg(per_day) FROM (
                        SELECT silver_records::numeric / GREATEST(1, coalesce(data_to - data_from + 1, 1)) AS per_day
                        FROM pipeline.etl_executions
                        WHERE pipeline_id = ? AND id <> ? AND status = 'completed' AND silver_records IS NOT NULL
                        ORDER BY completed_at DESC NULLS LAST, created_at DESC
                        LIMIT ?) h
                    """)) {
                ps.setObject(1, ctx.pipelineId());
                ps.setObject(2, ctx.executionId());
                ps.setInt(3, executions);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    history = rs.getLong(1);
                    BigDecimal avg = rs.getBigDecimal(2);
                    average = avg == null ? null : avg.doubleValue();
                }
            }
            ObjectNode d = JSON.createObjectNode();
            d.put("rows", rows);
            d.put("days", days);
            d.put("rowsPerDay", perDay);
            d.put("executions", executions);
            d.put("minExecutions", minExecutions);
            d.put("historyExecutions", history);
            d.put("maxDeviation", maxDeviation);
            if (history < minExecutions || average == null || average == 0) {
                d.put("note", history < minExecutions
                        ? "not enough history: " + history + " completed execution(s), " + minExecutions + " needed"
                        : "the trailing average is zero: nothing to compare with");
                add(check, "volume", 1, 0, d, null);
                return;
            }
            double deviation = Math.abs(perDay - average) / average;
            d.put("trailingAveragePerDay", average);
            d.put("deviation", deviation);
            boolean fails = deviation > maxDeviation;
            ArrayNode s = JSON.createArrayNode();
            if (fails) {
                s.addObject().put("rowsPerDay", perDay).put("trailingAveragePerDay", average).put("deviation", deviation);
            }
            add(check, "volume", 1, fails ? 1 : 0, d, s.toString());
        }

        // ---- anomaly -----------------------------------------------------------------------------------------------

        /** One anomaly check's settings. */
        private record Anomaly(Check check, String metric, String level, double threshold, int historyDays,
                               int minHistoryDays, LocalDate historyFrom) {
        }

        /**
         * Both anomaly checks in one statement: silver is grouped by entity and day once, the entities' gold history
         * read once (each check's own history window is a FILTER on it). The settings are parsed numbers and dates,
         * spliced as literals; only the pipeline's id is bound.
         */
        private void anomalies(Check spendCheck, Check impressionsCheck) throws SQLException {
            List<Anomaly> on = new ArrayList<>();
            for (Check check : List.of(spendCheck, impressionsCheck)) {
                if (check.enabled) {
                    double threshold = check.number("zThreshold", 3, 0.1, 1_000);
                    int historyDays = check.integer("historyDays", 28, 2, 366);
                    int minHistoryDays = check.integer("minHistoryDays", 7, 2, 366);
                    String level = check.choice("level", DEFAULT_ANOMALY_LEVEL, LEVELS);
                    on.add(new Anomaly(check, check == spendCheck ? "spend" : "impressions", level, threshold, historyDays,
                            minHistoryDays, ctx.from().minusDays(historyDays)));
                }
            }
            // one statement per level (both checks share it when they watch the same level)
            Map<String, List<Anomaly>> byLevel = new LinkedHashMap<>();
            on.forEach(a -> byLevel.computeIfAbsent(a.level(), l -> new ArrayList<>()).add(a));
            for (Map.Entry<String, List<Anomaly>> e : byLevel.entrySet()) {
                anomalies(e.getKey(), e.getValue());
            }
        }

        /**
         * The anomaly checks of one level: silver rolled up to the level's entities by day (each row counts for its
         * entity's ancestor at that level, as gold rolls it up), against those entities' gold days.
         */
        private void anomalies(String level, List<Anomaly> on) throws SQLException {
            String idColumn = level + "_id";
            LocalDate historyTo = ctx.from().minusDays(1);
            LocalDate earliest = on.stream().map(Anomaly::historyFrom).min(LocalDate::compareTo).orElseThrow();
            StringBuilder hist = new StringBuilder();
            StringBuilder scored = new StringBuilder();
            StringBuilder select = new StringBuilder();
            for (Anomaly a : on) {
                String m = a.metric();
                String g = m.equals("spend") ? "g.spend" : "g.impressions::numeric";
                String window = " FILTER (WHERE g.metric_date >= DATE '" + a.historyFrom() + "')";
                hist.append(", count(").append(g).append(')').append(window).append(" AS n_").append(m)
                        .append(", avg(").append(g).append(')').append(window).append(" AS mean_").append(m)
                        .append(", stddev_samp(").append(g).append(')').append(window).append(" AS sd_").append(m);
                scored.append(", r.").append(m).append(" AS v_").append(m)
                        .append(", coalesce(h.n_").append(m).append(", 0) AS n_").append(m)
                        .append(", h.mean_").append(m).append(", h.sd_").append(m)
                        .append(", CASE WHEN h.sd_").append(m).append(" > 0 THEN (r.").append(m).append(" - h.mean_").append(m)
                        .append(") / h.sd_").append(m).append(" END AS z_").append(m);
                String measured = "v_" + m + " IS NOT NULL";
                String enough = measured + " AND n_" + m + " >= " + a.minHistoryDays();
                String flagged = enough + " AND (abs(z_" + m + ") > " + a.threshold() + " OR (sd_" + m + " = 0 AND v_" + m
                        + " <> mean_" + m + "))";
                select.append(select.isEmpty() ? "" : ", ")
                        .append("count(*) FILTER (WHERE ").append(enough).append("), ")
                        .append("count(*) FILTER (WHERE ").append(measured).append(" AND n_").append(m).append(" < ")
                        .append(a.minHistoryDays()).append("), ")
                        .append("count(*) FILTER (WHERE ").append(flagged).append("), ")
                        .append("(SELECT coalesce(jsonb_agg(jsonb_build_object('line', line, 'level', level, 'entityId', ")
                        .append("entity_id, 'date', metric_date, 'value', v_").append(m).append(", 'mean', round(mean_").append(m)
                        .append(", 4), 'stddev', round(sd_").append(m).append(", 4), 'historyDays', n_").append(m)
                        .append(", 'z', round(z_").append(m).append(", 4)) ORDER BY abs(z_").append(m)
                        .append(") DESC NULLS FIRST, line), '[]'::jsonb)::text FROM (SELECT * FROM scored WHERE ").append(flagged)
                        .append(" ORDER BY abs(z_").append(m).append(") DESC NULLS FIRST, line LIMIT ").append(SAMPLES).append(") f)");
            }
            String sql = "WITH run AS MATERIALIZED (SELECT '" + level + "'::text AS level, " + idColumn + " AS entity_id, "
                    + "metric_date, sum(spend) AS spend, sum(impressions)::numeric AS impressions, min(line_no) AS line FROM "
                    + silver + " WHERE " + idColumn + " IS NOT NULL AND metric_date IS NOT NULL GROUP BY 2, 3), "
                    + "hist AS (SELECT g.entity_id" + hist
                    + " FROM pipeline.gold_daily_metrics g WHERE g.pipeline_id = ? AND g.level = '" + level + "' "
                    + "AND g.entity_id IN (SELECT DISTINCT entity_id FROM run) "
                    // each day of the window as its own range of gold's key (pipeline, day, level, entity)
                    + "AND g.metric_date = ANY (ARRAY(SELECT generate_series(DATE '" + earliest + "', DATE '" + historyTo
                    + "', interval '1 day')::date)) GROUP BY 1), "
                    + "scored AS MATERIALIZED (SELECT r.level, r.entity_id, r.metric_date, r.line" + scored + " FROM run r "
                    + "LEFT JOIN hist h ON h.entity_id = r.entity_id) "
                    + "SELECT " + select + " FROM scored";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, ctx.pipelineId());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    int col = 1;
                    for (Anomaly a : on) {
                        long evaluated = rs.getLong(col++);
                        long shortHistory = rs.getLong(col++);
                        long flagged = rs.getLong(col++);
                        String samples = rs.getString(col++);
                        ObjectNode d = JSON.createObjectNode();
                        d.put("metric", a.metric());
                        d.put("level", level);
                        d.put("zThreshold", a.threshold());
                        d.put("historyDays", a.historyDays());
                        d.put("minHistoryDays", a.minHistoryDays());
                        d.put("historyFrom", a.historyFrom().toString());
                        d.put("historyTo", historyTo.toString());
                        d.put("evaluated", evaluated);
                        d.put("insufficientHistory", shortHistory);
                        d.put("rule", "per " + level + " and day (rows rolled up to their " + level + "): |(value - mean) / "
                                + "sample stddev| of its gold days in the history window; a constant history flags any other value");
                        if (evaluated == 0) {
                            d.put("note", "no entity-day of this run has " + a.minHistoryDays()
                                    + " days of history: nothing to compare");
                        }
                        add(a.check(), "anomaly", evaluated, flagged, d, samples);
                    }
                }
            }
        }
    }

    private static ArrayNode array(List<String> values) {
        ArrayNode a = JSON.createArrayNode();
        values.forEach(a::add);
        return a;
    }

}
