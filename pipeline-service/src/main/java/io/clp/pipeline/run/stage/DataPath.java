package io.clp.pipeline.run.stage;

import com.fasterxml.jackson.databind.JsonNode;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecordHandler;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.clp.events.pipeline.MetricsBatch;
import io.clp.pipeline.campaigns.EntityKey;
import io.clp.pipeline.campaigns.EntityResolver;
import io.clp.pipeline.campaigns.ResolvedEntity;
import io.clp.pipeline.quality.QualityChecks;
import io.clp.pipeline.quality.QualityContext;
import io.clp.pipeline.quality.QualityOutcome;
import io.clp.pipeline.run.RunContext;
import io.clp.pipeline.run.StageResult;
import io.clp.pipeline.source.Source;
import io.clp.pipeline.source.SourceFormats;
import io.clp.pipeline.source.SourceObject;
import io.clp.pipeline.source.SourceRefusedException;
import io.clp.pipeline.source.SourceRequest;
import io.clp.platform.outbox.JdbcOutbox;
import io.clp.platform.tx.JdbcScope;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

import javax.sql.DataSource;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The bulk data path of one execution over JDBC (docs/adr/0011-staging-tables.md, docs/pipelines.md "Bronze, silver
 * and gold"): the source is read once, kept byte for byte in bronze while FastCSV parses it, each row typed and
 * validated in Java and written by binary COPY to the execution's unlogged silver table, or with its reasons to
 * {@code ingestion_rejects}; then set-based SQL de-duplicates, entities are resolved per distinct key, the
 * data-quality checks run, and gold upserts daily metrics per level, entity and day with their MetricsBatch events
 * in one transaction. Blocking: called on a worker thread, never on the event loop.
 */
public final class DataPath {

    static final String MEDIA_FILE = "media_file";
    /**
     * What one CSV object may hold (a file is data, not a way to exhaust the heap or the change-data-capture pipe):
     * fields per record, characters per field and per record, characters per header column. A file past them fails
     * its execution permanently, naming the object.
     */
    static final int MAX_FIELDS = 512;
    static final int MAX_FIELD_CHARS = 64 * 1024;
    static final int MAX_RECORD_CHARS = 1024 * 1024;
    static final int MAX_HEADER_CHARS = 128;

    static final String DSP_REPORT = "dsp_report";
    /** Rows between progress reports and cancellation checks. */
    private static final int PROGRESS_EVERY = 1 << 16;
    private static final int RAW_LINE_MAX = 1_000;
    private static final Logger LOG = Logger.getLogger(DataPath.class);

    /**
     * @param schema      the service's schema, where the staging tables go
     * @param bronzeDir   where bronze keeps what sources sent
     * @param maxEntities the most distinct entities one execution may name (the key map is held in memory)
     * @param workMem     PostgreSQL work_mem for the set-based steps (hash aggregates stay in memory)
     */
    public record Settings(String schema, Path bronzeDir, int maxEntities, String workMem) {
    }

    private final DataSource dataSource;
    private final Settings settings;
    private final BronzeStore bronze;
    private final Function<String, Source> sources;
    private final EntityResolver resolver;
    private final QualityChecks checks;
    private final JdbcOutbox outbox;

    /**
     * @param sources  the source of a kind (null when none)
     * @param resolver null when this build has none: silver then fails permanently
     * @param checks   null when this build has none: silver then records no quality outcome
     */
    public DataPath(DataSource dataSource, Settings settings, Function<String, Source> sources, EntityResolver resolver,
                    QualityChecks checks, JdbcOutbox outbox) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.bronze = new BronzeStore(settings.bronzeDir());
        this.sources = sources;
        this.resolver = resolver;
        this.checks = checks;
        this.outbox = outbox;
    }

    /** The staging tables of an execution. */
    public String silverTable(UUID executionId) {
        return staging(executionId).silver();
    }

    Staging staging(UUID executionId) {
        return Staging.of(settings.schema(), executionId);
    }

    static String formatOf(JsonNode config) {
        return config.has("hierarchy") || config.path("source").has("path") || config.path("source").has("prefix")
                ? MEDIA_FILE : DSP_REPORT;
    }

    static String kindOf(JsonNode config) {
        String kind = config.path("source").path("kind").asText("");
        return kind.isEmpty() ? DSP_REPORT : kind;
    }

    // ---------------------------------------------------------------------------------------------------- bronze

    public StageResult bronze(RunContext ctx) throws Exception {
        String kind = kindOf(ctx.config());
        Source source = sources.apply(kind);
        if (source == null) {
            throw new PermanentStageFailure("no source of kind '" + kind + "' in this build");
        }
        SourceRequest request = new SourceRequest(ctx.organizationId(), ctx.pipelineId(), ctx.executionId(),
                ctx.dspAccountId(), ctx.config(), ctx.from(), ctx.to());
        // the version of what is read: no later than the source's first look at it, on the database's clock, which every
        // instance shares (gold compares versions that different instances took)
        Instant extractedAt = databaseNow();
        // the source's slow work (a DSP report run and spooled) is done before the transaction begins, and a cancellation
        // or a lost lease interrupts it
        Source.Delivery delivery;
        try {
            delivery = ctx.interruptibly(() -> source.fetch(request));
        } catch (SourceRefusedException e) {
            throw new PermanentStageFailure(e.getMessage(), e);
        }
        try {
            return bronze(ctx, delivery, extractedAt);
        } finally {
            try {
                delivery.close();
            } catch (IOException | RuntimeException e) {
                // what is left (a spooled report) is a temporary file: it must not fail a bronze that committed
                LOG.warnf("execution %s: its source's delivery could not be released: %s", ctx.executionId(), e.getMessage());
            }
        }
    }

    private StageResult bronze(RunContext ctx, Source.Delivery delivery, Instant extractedAt) throws Exception {
        List<SourceObject> objects = delivery.objects();
        UUID attempt = bronze.begin(ctx.organizationId(), ctx.executionId());
        String format = formatOf(ctx.config());
        List<Input> inputs = new ArrayList<>(objects.size());
        for (int i = 0; i < objects.size(); i++) {
            SourceObject object = objects.get(i);
            inputs.add(new Input(i + 1, object.name(), object.version(), object.day(), object.modifiedAt(),
                    () -> delivery.open(object),
                    bronze.object(ctx.organizationId(), ctx.executionId(), attempt, i + 1)));
        }
        Staging st = staging(ctx.executionId());
        // the attempt's files go unless its commit was tried (a commit that failed may still have reached the database:
        // then they are the execution's bronze); the other attempts' files go once it committed
        boolean committing = false;
        boolean committed = false;
        try (Connection c = transaction(ctx.organizationId())) {
            try {
                forget(c, ctx.executionId());
                st.create(c);
                Loaded loaded = load(c, ctx, st, format, inputs, attempt);
                logObjects(c, ctx, loaded.objects());
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO ingestion_runs (execution_id, org_id, pipeline_id, "
                        + "format, extracted_at, bronze_rows, bronze_bytes, bronze_attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setObject(1, ctx.executionId());
                    ps.setObject(2, ctx.organizationId());
                    ps.setObject(3, ctx.pipelineId());
                    ps.setString(4, format);
                    ps.setTimestamp(5, Timestamp.from(extractedAt));
                    ps.setLong(6, loaded.rows());
                    ps.setLong(7, loaded.bytes());
                    ps.setObject(8, attempt);
                    ps.executeUpdate();
                }
                holdLease(c, ctx);
                committing = true;
                c.commit();
                committed = true;
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("objects", loaded.objects().size());
                details.put("rejected", loaded.rejected());
                return new StageResult(loaded.rows(), loaded.bytes(), 0, null, details);
            } catch (Exception | Error e) {
                if (!committing) {
                    c.rollback();
                }
                throw e;
            }
        } finally {
            if (committed) {
                bronze.keepOnly(ctx.organizationId(), ctx.executionId(), attempt);
            } else if (!committing) {
                bronze.discard(ctx.organizationId(), ctx.executionId(), attempt);
            }
        }
    }

    /** A resumed or repeated bronze starts afresh: what an earlier attempt recorded for the execution goes. */
    private void forget(Connection c, UUID executionId) throws SQLException {
        for (String table : List.of("ingestion_rejects", "ingestion_logs", "ingestion_runs")) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE execution_id = ?")) {
                ps.setObject(1, executionId);
                ps.executeUpdate();
            }
        }
    }

    private void logObjects(Connection c, RunContext ctx, List<ObjectLog> logs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ingestion_logs (org_id, pipeline_id, execution_id, "
                + "object_no, file_name, object_version, run_date, status, message, size_bytes, sha256, header, "
                + "records_loaded, records_failed, source_modified_at, started_at, finished_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, 'success', ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (ObjectLog log : logs) {
                ps.setObject(1, ctx.organizationId());
                ps.setObject(2, ctx.pipelineId());
                ps.setObject(3, ctx.executionId());
                ps.setInt(4, log.objectNo());
                ps.setString(5, log.name());
                ps.setString(6, log.version());
                ps.setObject(7, log.day());
                ps.setString(8, log.loaded() + " rows loaded, " + log.failed() + " refused");
                ps.setLong(9, log.size());
                ps.setString(10, log.sha256());
                ps.setArray(11, c.createArrayOf("text", log.header().toArray()));
                ps.setLong(12, log.loaded());
                ps.setLong(13, log.failed());
                ps.setTimestamp(14, log.modifiedAt() == null ? null : Timestamp.from(log.modifiedAt()));
                ps.setTimestamp(15, Timestamp.from(log.startedAt()));
                ps.setTimestamp(16, Timestamp.from(log.finishedAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    // ------------------------------------------------------------------------------------------- the one pass

    interface Opener {
        InputStream open() throws IOException;
    }

    /** One object to load: from its source (teed into bronze at {@code bronzeFile}) or from bronze (no tee). */
    record Input(int objectNo, String name, String version, LocalDate day, Instant modifiedAt, Opener opener,
                 Path bronzeFile) {
    }

    record ObjectLog(int objectNo, String name, String version, LocalDate day, Instant modifiedAt, List<String> header,
                     long size, String sha256, long loaded, long failed, Instant startedAt, Instant finishedAt) {
    }

    record Loaded(List<ObjectLog> objects, long rows, long rejected, long bytes) {
    }

    /**
     * The single streaming pass: every object parsed once, good rows by binary COPY into {@code rows}, refused ones
     * spooled to a file and copied into {@code rejects} (one COPY at a time per connection), the distinct entity keys
     * interned to small ids into {@code keys}; then the refused rows land in ingestion_rejects (set-based).
     */
    Loaded load(Connection c, RunContext ctx, Staging st, String format, List<Input> inputs, UUID attempt) throws Exception {
        PGConnection pg = c.unwrap(PGConnection.class);
        Path spoolDir = Files.createDirectories(bronze.attemptDir(ctx.organizationId(), ctx.executionId(), attempt));
        Path spool = Files.createTempFile(spoolDir, "rejects", ".copy");
        KeyTable keys = new KeyTable(settings.maxEntities());
        List<ObjectLog> logs = new ArrayList<>();
        long total = 0;
        long rejected = 0;
        long bytes = 0;
        RowFormat.Row row = new RowFormat.Row();
        try {
            PGCopyOutputStream copy = new PGCopyOutputStream(pg, "COPY " + st.rows()
                    + " (object_no, line_no, metric_date, key_id, impressions, clicks, conversions, views, spend_micros,"
                    + " revenue_micros, currency) FROM STDIN (FORMAT binary)", 1 << 16);
            BinaryCopy rows = new BinaryCopy(copy);
            try (BinaryCopy rejects = new BinaryCopy(new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16))) {
                for (Input input : inputs) {
                    Instant started = Instant.now();
                    long loaded = 0;
                    long failed = 0;
                    List<String> header = List.of();
                    BronzeStore.Stored stored;
                    InputStream raw = input.opener().open();
                    BronzeStore.Tee tee;
                    try {
                        tee = input.bronzeFile() == null ? null : new BronzeStore.Tee(raw, input.bronzeFile());
                    } catch (IOException | RuntimeException e) {
                        raw.close();
                        throw e;
                    }
                    try (InputStream in = tee == null ? raw : tee) {
                        CsvReader<CsvRecord> csv = CsvReader.builder()
                                .allowExtraFields(true)
                                .allowMissingFields(true)
                                .skipEmptyLines(true)
                                .detectBomHeader(true)
                                .build(CsvRecordHandler.of(limits -> limits.maxFields(MAX_FIELDS)
                                        .maxFieldSize(MAX_FIELD_CHARS).maxRecordSize(MAX_RECORD_CHARS)), in, StandardCharsets.UTF_8);
                        Iterator<CsvRecord> records = csv.iterator();
                        if (records.hasNext()) {
                            header = List.copyOf(records.next().getFields());
                            for (String column : header) {
                                if (column.length() > MAX_HEADER_CHARS) {
                                    throw new PermanentStageFailure("object " + input.objectNo() + " (" + input.name()
                                            + "): a header column is longer than " + MAX_HEADER_CHARS + " characters");
                                }
                            }
                            RowFormat rowFormat = RowFormat.of(format, header, ctx.from(), ctx.to());
                            while (records.hasNext()) {
                                CsvRecord record = records.next();
                                List<String> fields = record.getFields();
                                String reasons = fields.size() != rowFormat.fieldCount
                                        ? "wrong field count: " + fields.size() + ", the header has " + rowFormat.fieldCount
                                        : rowFormat.parse(fields, row);
                                if (reasons == null) {
                                    rows.row(11).int4(input.objectNo()).int8(record.getStartingLineNumber())
                                            .date(row.day).int4(keys.intern(row.key))
                                            .int8OrNull(row.impressions).int8OrNull(row.clicks)
                                            .int8OrNull(row.conversions).int8OrNull(row.views)
                                            .int8OrNull(row.spendMicros).int8OrNull(row.revenueMicros)
                                            .text(row.currency);
                                    loaded++;
                                } else {
                                    rejects.row(4).int4(input.objectNo()).int8(record.getStartingLineNumber())
                                            .text(reasons).text(rawLine(fields));
                                    failed++;
                                }
                                if (((loaded + failed) & (PROGRESS_EVERY - 1)) == 0) {
                                    ctx.progress().rowsDone("bronze", total + loaded + failed);
                                    ctx.checkpoint();
                                }
                            }
                        }
                        stored = tee == null ? null : tee.finish();
                    }
                    long size = stored == null ? Files.size(bronze.object(ctx.organizationId(), ctx.executionId(), attempt, input.objectNo()))
                            : stored.size();
                    logs.add(new ObjectLog(input.objectNo(), input.name(), input.version(), input.day(), input.modifiedAt(),
                            header, size, stored == null ? null : stored.sha256(), loaded, failed, started, Instant.now()));
                    total += loaded + failed;
                    rejected += failed;
                    bytes += size;
                    ctx.progress().rowsDone("bronze", total);
                }
                rejects.finish();
                rows.finish();
                copy.endCopy();
            } catch (Exception e) {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
                if (e instanceof CsvParseException parse) {
                    // past the limits of one object (fields, field or record size) or not CSV at all: the same bytes
                    // fail the same way however often they are read
                    throw new PermanentStageFailure("a source object is not CSV within its limits (" + MAX_FIELDS
                            + " fields, " + MAX_RECORD_CHARS + " characters a record): " + parse.getMessage(), parse);
                }
                throw e;
            }
            keys.copyInto(pg, st);
            try (InputStream in = Files.newInputStream(spool)) {
                pg.getCopyAPI().copyIn("COPY " + st.rejects() + " (object_no, line_no, reasons, raw_line) FROM STDIN (FORMAT binary)", in);
            }
        } finally {
            Files.deleteIfExists(spool);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ingestion_rejects (execution_id, org_id, object_no, "
                + "line_no, reasons, raw_line) SELECT ?, ?, object_no, line_no, reasons, raw_line FROM " + st.rejects())) {
            ps.setObject(1, ctx.executionId());
            ps.setObject(2, ctx.organizationId());
            ps.executeUpdate();
        }
        try (Statement s = c.createStatement()) {
            s.execute("ANALYZE " + st.rows());
            s.execute("ANALYZE " + st.keys());
        }
        st.mark(c, "loaded");
        return new Loaded(logs, total, rejected, bytes);
    }

    /** The refused row as it read (fields re-joined as CSV), capped. */
    static String rawLine(List<String> fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.size() && line.length() <= RAW_LINE_MAX; i++) {
            String field = fields.get(i);
            if (i > 0) {
                line.append(',');
            }
            if (field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0) {
                line.append('"').append(field.replace("\"", "\"\"")).append('"');
            } else {
                line.append(field);
            }
        }
        return line.length() <= RAW_LINE_MAX ? line.toString() : line.substring(0, RAW_LINE_MAX);
    }

    /**
     * Distinct entity keys of one execution, interned to small ids: bounded by entities, not rows, and by the characters
     * their names hold ({@link #MAX_CHARS}): 50,000 keys of four 500-character names would otherwise fill the heap.
     */
    static final class KeyTable {

        /** The most characters the names of one execution's keys may hold together (about 20 MB of heap at worst). */
        static final long MAX_CHARS = 10_000_000;

        private final Map<EntityKey, Integer> ids = new HashMap<>();
        private final List<EntityKey> keys = new ArrayList<>();
        private final int max;
        private final long maxChars;
        private long chars;

        KeyTable(int max) {
            this(max, MAX_CHARS);
        }

        KeyTable(int max, long maxChars) {
            this.max = max;
            this.maxChars = maxChars;
        }

        int intern(EntityKey key) {
            Integer id = ids.get(key);
            if (id != null) {
                return id;
            }
            if (keys.size() >= max) {
                throw new PermanentStageFailure("the source names more than " + max
                        + " distinct entities (clp.pipelines.silver.max-entities)");
            }
            chars += switch (key) {
                case EntityKey.ByNames n -> length(n.campaign()) + length(n.insertionOrder()) + length(n.lineItem())
                        + length(n.creative());
                case EntityKey.ByExternalId x -> length(x.level()) + length(x.externalId());
            };
            if (chars > maxChars) {
                throw new PermanentStageFailure("the entity names of the source hold more than " + maxChars
                        + " characters together (" + keys.size() + " distinct entities so far)");
            }
            keys.add(key);
            ids.put(key, keys.size());
            return keys.size();
        }

        private static int length(String name) {
            return name == null ? 0 : name.length();
        }

        void copyInto(PGConnection pg, Staging st) throws SQLException, IOException {
            PGCopyOutputStream copy = new PGCopyOutputStream(pg, "COPY " + st.keys() + " (key_id, level, campaign_name, "
                    + "insertion_order_name, line_item_name, creative_name, external_id) FROM STDIN (FORMAT binary)", 1 << 16);
            try {
                BinaryCopy out = new BinaryCopy(copy);
                for (int i = 0; i < keys.size(); i++) {
                    out.row(7).int4(i + 1);
                    switch (keys.get(i)) {
                        case EntityKey.ByNames n -> out.text(levelOf(n)).text(n.campaign()).text(n.insertionOrder())
                                .text(n.lineItem()).text(n.creative()).nullField();
                        case EntityKey.ByExternalId x -> out.text(x.level()).nullField().nullField().nullField()
                                .nullField().text(x.externalId());
                    }
                }
                out.finish();
                copy.endCopy();
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
        }
    }

    static String levelOf(EntityKey.ByNames n) {
        return n.creative() != null ? "creative" : n.lineItem() != null ? "line_item"
                : n.insertionOrder() != null ? "insertion_order" : "campaign";
    }

    // ---------------------------------------------------------------------------------------------------- silver

    public StageResult silver(RunContext ctx) throws Exception {
        Staging st = staging(ctx.executionId());
        try (Connection c = transaction(ctx.organizationId())) {
            try {
                resolved(c, ctx, st);
                RunInfo run = runInfo(c, ctx.executionId());
                long rejected = scalar(c, "SELECT count(*) FROM ingestion_rejects WHERE execution_id = ?", ctx.executionId());
                long silverRows = scalar(c, "SELECT count(*) FROM " + st.rows(), null);
                String blockedBy = null;
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("silverTable", st.silver());
                if (checks != null) {
                    QualityContext quality = new QualityContext(ctx.organizationId(), ctx.pipelineId(), ctx.executionId(),
                            st.silver(), run.header(),
                            MEDIA_FILE.equals(run.format()) ? SourceFormats.MEDIA_FILE_HEADER : SourceFormats.DSP_REPORT_HEADER,
                            run.bronzeRows(), rejected, ctx.from(), ctx.to(), run.sourceModifiedAt(), ctx.config());
                    QualityOutcome outcome = checks.check(c, quality);
                    blockedBy = outcome.blocked() ? outcome.blockingCheck() : null;
                    try (PreparedStatement ps = c.prepareStatement("UPDATE ingestion_runs SET quality_score = ?, "
                            + "has_data_issues = ?, blocked_by = ? WHERE execution_id = ?")) {
                        ps.setBigDecimal(1, outcome.score());
                        ps.setBoolean(2, outcome.hasIssues());
                        ps.setString(3, blockedBy);
                        ps.setObject(4, ctx.executionId());
                        ps.executeUpdate();
                    }
                    details.put("qualityScore", outcome.score());
                    details.put("hasDataIssues", outcome.hasIssues());
                }
                holdLease(c, ctx);
                c.commit();
                return new StageResult(silverRows, 0, rejected, blockedBy, details);
            } catch (Exception | Error e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Silver loaded, de-duplicated and resolved, whatever happened since bronze: a staging table emptied by a
     * PostgreSQL crash (or dropped) is loaded again from bronze, never from the source. Leaves {@code c} in a fresh
     * scoped transaction.
     */
    void resolved(Connection c, RunContext ctx, Staging st) throws Exception {
        if (!st.reached(c, "loaded")) {
            LOG.infof("execution %s: silver is not loaded (a crash emptied it, or it was dropped): loading it again from bronze",
                    ctx.executionId());
            reload(c, ctx, st);
            holdLease(c, ctx);
            commit(c, ctx.organizationId());
        }
        if (st.reached(c, "resolved")) {
            return;
        }
        workMem(c);
        deduplicate(c, ctx, st);
        // the duplicates' refusals commit before campaign-service is asked: no transaction stays open across its calls
        holdLease(c, ctx);
        commit(c, ctx.organizationId());
        resolve(c, ctx, st);
        try (PreparedStatement ps = c.prepareStatement("UPDATE ingestion_logs l SET "
                + "records_loaded = l.records_loaded + l.records_failed - coalesce(r.n, 0), records_failed = coalesce(r.n, 0), "
                + "message = (l.records_loaded + l.records_failed - coalesce(r.n, 0)) || ' rows loaded, ' || coalesce(r.n, 0) || ' refused' "
                + "FROM (SELECT l2.object_no, (SELECT count(*) FROM ingestion_rejects j WHERE j.execution_id = ? "
                + "AND j.object_no = l2.object_no) AS n FROM ingestion_logs l2 WHERE l2.execution_id = ?) r "
                + "WHERE l.execution_id = ? AND l.object_no = r.object_no")) {
            ps.setObject(1, ctx.executionId());
            ps.setObject(2, ctx.executionId());
            ps.setObject(3, ctx.executionId());
            ps.executeUpdate();
        }
        st.mark(c, "resolved");
        holdLease(c, ctx);
        commit(c, ctx.organizationId());
    }

    /**
     * An object's bronze, to load silver again. Bronze that is gone (past the janitor's retention, or kept on another
     * instance's disk) never comes back by waiting: the execution fails permanently, and a new run reads the source.
     */
    private InputStream readBronze(RunContext ctx, UUID attempt, int objectNo) throws IOException {
        try {
            return bronze.read(ctx.organizationId(), ctx.executionId(), attempt, objectNo);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new PermanentStageFailure("the bronze of object " + objectNo + " is gone (kept for the staging retention, "
                    + "on the instance that read it): run the pipeline again to read its source");
        }
    }

    private void reload(Connection c, RunContext ctx, Staging st) throws Exception {
        RunInfo run = runInfo(c, ctx.executionId());
        List<Input> inputs = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT object_no, file_name, object_version, run_date, "
                + "source_modified_at FROM ingestion_logs WHERE execution_id = ? AND status = 'success' ORDER BY object_no")) {
            ps.setObject(1, ctx.executionId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int objectNo = rs.getInt(1);
                    Timestamp modified = rs.getTimestamp(5);
                    inputs.add(new Input(objectNo, rs.getString(2), rs.getString(3), rs.getObject(4, LocalDate.class),
                            modified == null ? null : modified.toInstant(),
                            () -> readBronze(ctx, run.bronzeAttempt(), objectNo), null));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM ingestion_rejects WHERE execution_id = ?")) {
            ps.setObject(1, ctx.executionId());
            ps.executeUpdate();
        }
        st.create(c);
        load(c, ctx, st, run.format(), inputs, run.bronzeAttempt());
    }

    /** Same day and entity more than once: the last row (by object, then line) is kept, the others refused. */
    private void deduplicate(Connection c, RunContext ctx, Staging st) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("WITH dup AS (SELECT key_id, metric_date, "
                + "max((object_no::bigint << 40) | line_no) AS keep FROM " + st.rows() + " GROUP BY key_id, metric_date "
                + "HAVING count(*) > 1), "
                + "gone AS (DELETE FROM " + st.rows() + " r USING dup WHERE r.key_id = dup.key_id "
                + "AND r.metric_date = dup.metric_date AND ((r.object_no::bigint << 40) | r.line_no) <> dup.keep "
                + "RETURNING r.object_no, r.line_no, dup.keep) "
                + "INSERT INTO ingestion_rejects (execution_id, org_id, object_no, line_no, reasons) "
                + "SELECT ?, ?, object_no, line_no, 'duplicate: a later row for the same day and entity is kept (line ' "
                + "|| (keep & 1099511627775) || CASE WHEN (keep >> 40) <> object_no THEN ' of file ' || (keep >> 40) ELSE '' END "
                + "|| ')' FROM gone")) {
            ps.setObject(1, ctx.executionId());
            ps.setObject(2, ctx.organizationId());
            int n = ps.executeUpdate();
            if (n > 0) {
                LOG.debugf("execution %s: %d duplicate rows refused", ctx.executionId(), n);
            }
        }
    }

    /**
     * Distinct keys to campaign-service's entities, in pages of at most {@link EntityResolver#MAX_KEYS}. Each page is
     * read, its transaction ended, campaign-service asked (which may take retries and seconds) with nothing held in the
     * database, and its answer written and committed in a transaction of its own under the lease; a resumed silver asks
     * again only for keys not matched yet. Leaves {@code c} in a fresh scoped transaction.
     */
    private void resolve(Connection c, RunContext ctx, Staging st) throws Exception {
        if (resolver == null) {
            throw new PermanentStageFailure("this build has no entity resolver: rows cannot be matched to "
                    + "campaign-service's entities");
        }
        boolean create = "create".equals(ctx.config().path("unknownEntities").asText("reject"));
        int after = 0;
        while (true) {
            List<Integer> ids = new ArrayList<>();
            List<EntityKey> page = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT key_id, level, campaign_name, insertion_order_name, "
                    + "line_item_name, creative_name, external_id FROM " + st.keys() + " WHERE key_id > ? AND campaign_id IS NULL "
                    + "ORDER BY key_id LIMIT ?")) {
                ps.setInt(1, after);
                ps.setInt(2, EntityResolver.MAX_KEYS);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getInt(1));
                        page.add(rs.getString(7) != null ? new EntityKey.ByExternalId(rs.getString(2), rs.getString(7))
                                : new EntityKey.ByNames(rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)));
                    }
                }
            }
            if (page.isEmpty()) {
                break;
            }
            c.commit();
            List<ResolvedEntity> resolved = resolver.resolve(ctx.organizationId(), ctx.dspAccountId(), page, create);
            JdbcScope.organization(c, ctx.organizationId());
            if (resolved.size() != page.size()) {
                throw new PermanentStageFailure("the entity resolver answered " + resolved.size() + " entities for "
                        + page.size() + " keys");
            }
            int n = page.size();
            Object[] keyIds = ids.toArray();
            UUID[] campaigns = new UUID[n];
            UUID[] ios = new UUID[n];
            UUID[] lineItems = new UUID[n];
            UUID[] creatives = new UUID[n];
            String[] currencies = new String[n];
            for (int i = 0; i < n; i++) {
                ResolvedEntity e = resolved.get(i);
                if (e != null) {
                    campaigns[i] = e.campaignId();
                    ios[i] = e.insertionOrderId();
                    lineItems[i] = e.lineItemId();
                    creatives[i] = e.creativeId();
                    currencies[i] = e.currency();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + st.keys() + " k SET campaign_id = v.c, "
                    + "insertion_order_id = v.io, line_item_id = v.li, creative_id = v.cr, currency = v.cur "
                    + "FROM unnest(?::int[], ?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[], ?::text[]) AS v(id, c, io, li, cr, cur) "
                    + "WHERE k.key_id = v.id")) {
                ps.setArray(1, c.createArrayOf("int4", keyIds));
                ps.setArray(2, c.createArrayOf("uuid", campaigns));
                ps.setArray(3, c.createArrayOf("uuid", ios));
                ps.setArray(4, c.createArrayOf("uuid", lineItems));
                ps.setArray(5, c.createArrayOf("uuid", creatives));
                ps.setArray(6, c.createArrayOf("text", currencies));
                ps.executeUpdate();
            }
            holdLease(c, ctx);
            commit(c, ctx.organizationId());
            after = ids.getLast();
            ctx.checkpoint();
        }
        // rows of keys that matched nothing (or could not be created) are refused; the referential check counts them
        workMem(c);
        if (scalar(c, "SELECT count(*) FROM " + st.keys() + " WHERE campaign_id IS NULL", null) > 0) {
            try (PreparedStatement ps = c.prepareStatement("WITH gone AS (DELETE FROM " + st.rows() + " r USING "
                    + st.keys() + " k WHERE k.key_id = r.key_id AND k.campaign_id IS NULL "
                    + "RETURNING r.object_no, r.line_no, k.level, concat_ws(' > ', k.campaign_name, k.insertion_order_name, "
                    + "k.line_item_name, k.creative_name, k.external_id) AS named) "
                    + "INSERT INTO ingestion_rejects (execution_id, org_id, object_no, line_no, reasons) "
                    + "SELECT ?, ?, object_no, line_no, 'unknown entity: ' || level || ' ' || left(named, 900) FROM gone")) {
                ps.setObject(1, ctx.executionId());
                ps.setObject(2, ctx.organizationId());
                ps.executeUpdate();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------ gold

    /**
     * Daily metrics per level, entity and day, rolled up from each row's entity to its ancestors, replace the
     * pipeline's gold of the days this execution delivered, and what changed is published as MetricsBatch chunks in
     * the same transaction:
     * <ol>
     * <li>the execution's gold is computed into an unlogged work table (the creative level projected, the ancestors
     * aggregated in one hash pass);</li>
     * <li>days whose recorded version ({@code gold_days}) is newer than this execution's are left alone, whole: a
     * slower run that read its source earlier never replaces a later delivery; the others take this version;</li>
     * <li>the execution's rows are merged with the gold of those days: new rows, rows whose numbers changed and rows
     * the execution no longer has (set to zero, a restatement) are marked; rows with the same numbers keep their
     * version; the day blocks holding a marked row are written again, whole;</li>
     * <li>the changed rows are published; a re-run changes and publishes nothing.</li>
     * </ol>
     */
    public StageResult gold(RunContext ctx) throws Exception {
        Staging st = staging(ctx.executionId());
        try (Connection c = transaction(ctx.organizationId())) {
            try {
                resolved(c, ctx, st);
                RunInfo run = runInfo(c, ctx.executionId());
                if (run.blockedBy() != null) {
                    throw new PermanentStageFailure("gold does not run: the data-quality check " + run.blockedBy() + " blocked it");
                }
                workMem(c);
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                    ps.setString(1, "gold:" + ctx.pipelineId());
                    ps.execute();
                }
                // what a foreign key would check per row, once: the pipeline exists and stays until gold commits
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pipelines WHERE id = ? FOR KEY SHARE")) {
                    ps.setObject(1, ctx.pipelineId());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new PermanentStageFailure("gold does not run: the pipeline " + ctx.pipelineId() + " no longer exists");
                        }
                    }
                }
                long started = System.nanoTime();
                st.createGold(c);
                boolean creativesUnique = scalar(c, "SELECT count(creative_id) - count(DISTINCT creative_id) FROM " + st.keys(), null) == 0;
                execute(c, (creativesUnique ? GOLD_CREATIVES : GOLD_CREATIVES_GROUPED).formatted(st.gold(), st.rows(), st.keys()));
                execute(c, GOLD_ANCESTORS.formatted(st.gold(), st.rows(), st.keys()));
                Timestamp version = Timestamp.from(run.extractedAt());
                long stale = update(c, GOLD_STALE_DAYS.formatted(st.gold(), st.gold()), ctx.pipelineId(), version,
                        ctx.executionId());
                Array republish = republishedDays(c, ctx, st, run);
                update(c, GOLD_DAYS.formatted(st.gold()), ctx.pipelineId(), ctx.organizationId(), ctx.executionId(), version,
                        run.qualityScore(), run.hasDataIssues());
                execute(c, "ANALYZE " + st.gold());
                long computed = scalar(c, "SELECT count(*) FROM " + st.gold(), null);
                // a row this delivery refused (unparseable, or its entity unknown) may be the very entity that looks
                // vanished: when the execution refused rows other than duplicates, nothing is zeroed
                boolean zeroVanished = scalar(c, "SELECT count(*) FROM ingestion_rejects WHERE execution_id = ? "
                        + "AND reasons NOT LIKE 'duplicate%'", ctx.executionId()) == 0;
                update(c, GOLD_MERGE.formatted(st.changes(), st.gold(), st.gold()), ctx.executionId(), version, zeroVanished,
                        republish, republish, ctx.pipelineId());
                long restated = 0;
                long inserted = 0;
                long zeroed = 0;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE kind = 'restated'), "
                        + "count(*) FILTER (WHERE kind = 'inserted'), count(*) FILTER (WHERE kind = 'zeroed') FROM " + st.changes())) {
                    rs.next();
                    restated = rs.getLong(1);
                    inserted = rs.getLong(2);
                    zeroed = rs.getLong(3);
                }
                update(c, GOLD_BLOCKS.formatted(st.changes()), ctx.pipelineId(), ctx.organizationId());
                long writtenAt = System.nanoTime();
                int batches = publish(c, ctx, run, st);
                // the work tables are a copy of the execution's gold: they go with the commit
                execute(c, "DROP TABLE " + st.gold() + ", " + st.changes());
                long publishedAt = System.nanoTime();
                holdLease(c, ctx);
                c.commit();
                LOG.debugf("execution %s: gold written in %d ms (%d restated, %d inserted, %d zeroed), %d batches published "
                                + "in %d ms, committed in %d ms", ctx.executionId(), (writtenAt - started) / 1_000_000, restated,
                        inserted, zeroed, batches, (publishedAt - writtenAt) / 1_000_000, (System.nanoTime() - publishedAt) / 1_000_000);
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("tablesUpdated", restated + inserted + zeroed > 0 ? List.of("gold_blocks") : List.of());
                details.put("rowsInserted", inserted);
                details.put("rowsRestated", restated);
                details.put("rowsZeroed", zeroed);
                details.put("rowsUnchanged", computed - restated - inserted);
                details.put("rowsLeftToNewerDeliveries", stale);
                details.put("batches", batches);
                return new StageResult(restated + inserted + zeroed, 0, 0, null, details);
            } catch (Exception | Error e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** The creative level when no two keys name the same creative: silver's rows are one per entity and day already. */
    static final String GOLD_CREATIVES = """
            INSERT INTO %s (level, entity_id, metric_date, impressions, clicks, conversions, views, spend, currency, revenue)
            SELECT 'creative', k.creative_id, r.metric_date, coalesce(r.impressions, 0), coalesce(r.clicks, 0),
                   coalesce(r.conversions, 0), coalesce(r.views, 0), coalesce(r.spend_micros, 0) / 1000000.0,
                   coalesce(r.currency, k.currency), coalesce(r.revenue_micros, 0) / 1000000.0
            FROM %s r JOIN %s k ON k.key_id = r.key_id
            WHERE k.creative_id IS NOT NULL
            """;

    /** The creative level when two keys name the same creative (names that differ only where matching ignores it). */
    static final String GOLD_CREATIVES_GROUPED = """
            INSERT INTO %s (level, entity_id, metric_date, impressions, clicks, conversions, views, spend, currency, revenue)
            SELECT 'creative', k.creative_id, r.metric_date, coalesce(sum(r.impressions), 0), coalesce(sum(r.clicks), 0),
                   coalesce(sum(r.conversions), 0), coalesce(sum(r.views), 0), coalesce(sum(r.spend_micros), 0) / 1000000.0,
                   min(coalesce(r.currency, k.currency)), coalesce(sum(r.revenue_micros), 0) / 1000000.0
            FROM %s r JOIN %s k ON k.key_id = r.key_id
            WHERE k.creative_id IS NOT NULL
            GROUP BY k.creative_id, r.metric_date
            """;

    /** Line items, insertion orders and campaigns: few groups, aggregated in one hash pass over silver. */
    static final String GOLD_ANCESTORS = """
            INSERT INTO %s (level, entity_id, metric_date, impressions, clicks, conversions, views, spend, currency, revenue)
            SELECT level, entity_id, metric_date, impressions, clicks, conversions, views, spend, currency, revenue
            FROM (SELECT r.metric_date,
                         CASE WHEN GROUPING(k.line_item_id) = 0 THEN 'line_item'
                              WHEN GROUPING(k.insertion_order_id) = 0 THEN 'insertion_order'
                              ELSE 'campaign' END AS level,
                         CASE WHEN GROUPING(k.line_item_id) = 0 THEN k.line_item_id
                              WHEN GROUPING(k.insertion_order_id) = 0 THEN k.insertion_order_id
                              ELSE k.campaign_id END AS entity_id,
                         coalesce(sum(r.impressions), 0) AS impressions,
                         coalesce(sum(r.clicks), 0) AS clicks,
                         coalesce(sum(r.conversions), 0) AS conversions,
                         coalesce(sum(r.views), 0) AS views,
                         coalesce(sum(r.spend_micros), 0) / 1000000.0 AS spend,
                         min(coalesce(r.currency, k.currency)) AS currency,
                         coalesce(sum(r.revenue_micros), 0) / 1000000.0 AS revenue
                  FROM %s r JOIN %s k ON k.key_id = r.key_id
                  GROUP BY GROUPING SETS ((r.metric_date, k.campaign_id), (r.metric_date, k.insertion_order_id),
                                          (r.metric_date, k.line_item_id))) day
            WHERE entity_id IS NOT NULL
            """;

    /**
     * Days a newer delivery of the pipeline holds ((extracted_at, execution_id) above this execution's): removed from
     * the execution's gold, whole. Returns the rows removed; their days are counted by the caller.
     */
    static final String GOLD_STALE_DAYS = """
            WITH newer AS (
                SELECT d.metric_date FROM gold_days d
                WHERE d.pipeline_id = ? AND d.metric_date IN (SELECT DISTINCT metric_date FROM %s)
                  AND (d.extracted_at, d.execution_id) > (CAST(? AS timestamptz), CAST(? AS uuid)))
            DELETE FROM %s WHERE metric_date IN (SELECT metric_date FROM newer)
            """;

    /** The days this execution delivers take its version and its data-quality outcome. */
    static final String GOLD_DAYS = """
            INSERT INTO gold_days AS d (pipeline_id, metric_date, org_id, execution_id, extracted_at, quality_score,
                                        has_data_issues, updated_at)
            SELECT CAST(? AS uuid), metric_date, CAST(? AS uuid), CAST(? AS uuid), CAST(? AS timestamptz),
                   CAST(? AS numeric), CAST(? AS boolean), now()
            FROM (SELECT DISTINCT metric_date FROM %s) days
            ON CONFLICT (pipeline_id, metric_date) DO UPDATE SET execution_id = EXCLUDED.execution_id,
                extracted_at = EXCLUDED.extracted_at, quality_score = EXCLUDED.quality_score,
                has_data_issues = EXCLUDED.has_data_issues, updated_at = now()
            """;

    /**
     * Days whose last delivery had another data-quality outcome: campaign-service keeps the score and the issues flag
     * on every row, so all the day's rows are restated and published, changed numbers or not.
     */
    private static Array republishedDays(Connection c, RunContext ctx, Staging st, RunInfo run) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(array_agg(d.metric_date), '{}') FROM gold_days d "
                + "WHERE d.pipeline_id = ? AND d.metric_date IN (SELECT DISTINCT metric_date FROM " + st.gold() + ") "
                + "AND (d.quality_score, d.has_data_issues) IS DISTINCT FROM (CAST(? AS numeric), CAST(? AS boolean))")) {
            ps.setObject(1, ctx.pipelineId());
            ps.setObject(2, run.qualityScore());
            ps.setObject(3, run.hasDataIssues());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getArray(1);
            }
        }
    }

    /**
     * Every row of the days this execution delivers, as gold will hold them, marked with what happened to it: the
     * execution's rows (its work table, the second and third {@code %s}) fully joined with the pipeline's gold of those
     * days. A row the execution has is {@code inserted} when gold lacks it, {@code restated} when its numbers differ or
     * its day is published again (the fourth and fifth parameters), unmarked (and left with its version) otherwise. A
     * row only gold has is {@code zeroed} when vanished rows may be zeroed (the third parameter) and it is not zero yet
     * or its day is published again; otherwise it stays as it is. Marked rows take the execution and its version.
     */
    static final String GOLD_MERGE = """
            INSERT INTO %s (level, entity_id, metric_date, impressions, clicks, conversions, views, spend, currency, revenue,
                            execution_id, extracted_at, kind)
            SELECT level, entity_id, metric_date,
                   CASE WHEN kind = 'zeroed' THEN 0 WHEN present THEN w_impressions ELSE o_impressions END,
                   CASE WHEN kind = 'zeroed' THEN 0 WHEN present THEN w_clicks ELSE o_clicks END,
                   CASE WHEN kind = 'zeroed' THEN 0 WHEN present THEN w_conversions ELSE o_conversions END,
                   CASE WHEN kind = 'zeroed' THEN 0 WHEN present THEN w_views ELSE o_views END,
                   CASE WHEN kind = 'zeroed' THEN o_spend * 0 WHEN present THEN w_spend ELSE o_spend END,
                   CASE WHEN present THEN w_currency ELSE o_currency END,
                   CASE WHEN kind = 'zeroed' THEN o_revenue * 0 WHEN present THEN w_revenue ELSE o_revenue END,
                   CASE WHEN kind IS NULL THEN o_execution_id ELSE CAST(? AS uuid) END,
                   CASE WHEN kind IS NULL THEN o_extracted_at ELSE CAST(? AS timestamptz) END,
                   kind
            FROM (SELECT coalesce(w.level, o.level) AS level, coalesce(w.entity_id, o.entity_id) AS entity_id,
                         coalesce(w.metric_date, o.metric_date) AS metric_date, w.entity_id IS NOT NULL AS present,
                         w.impressions AS w_impressions, w.clicks AS w_clicks, w.conversions AS w_conversions,
                         w.views AS w_views, w.spend AS w_spend, w.currency AS w_currency, w.revenue AS w_revenue,
                         o.impressions AS o_impressions, o.clicks AS o_clicks, o.conversions AS o_conversions,
                         o.views AS o_views, o.spend AS o_spend, o.currency AS o_currency, o.revenue AS o_revenue,
                         o.execution_id AS o_execution_id, o.extracted_at AS o_extracted_at,
                         CASE WHEN o.entity_id IS NULL THEN 'inserted'
                              WHEN w.entity_id IS NULL THEN
                                  CASE WHEN CAST(? AS boolean)
                                            AND (o.impressions <> 0 OR o.clicks <> 0 OR o.conversions <> 0 OR o.views <> 0
                                                 OR o.spend <> 0 OR o.revenue <> 0 OR o.metric_date = ANY (CAST(? AS date[])))
                                       THEN 'zeroed' END
                              WHEN (w.impressions, w.clicks, w.conversions, w.views, w.spend, w.currency, w.revenue)
                                   IS DISTINCT FROM (o.impressions, o.clicks, o.conversions, o.views, o.spend, o.currency,
                                                     o.revenue)
                                   OR w.metric_date = ANY (CAST(? AS date[])) THEN 'restated'
                         END AS kind
                  FROM %s w
                  FULL JOIN (SELECT * FROM gold_daily_metrics g
                             WHERE g.pipeline_id = ? AND g.metric_date IN (SELECT DISTINCT metric_date FROM %s)) o
                    ON o.metric_date = w.metric_date AND o.level = w.level AND o.entity_id = w.entity_id) m
            """;

    /**
     * The day blocks with a marked row are written again, whole, from the merged rows: a day whose rows all kept
     * their numbers keeps its block.
     */
    static final String GOLD_BLOCKS = """
            INSERT INTO gold_blocks AS b (pipeline_id, metric_date, level, org_id, entity_ids, execution_ids, extracted_at,
                                          impressions, clicks, conversions, views, spend, currency, revenue, updated_at)
            SELECT CAST(? AS uuid), metric_date, level, CAST(? AS uuid), array_agg(entity_id), array_agg(execution_id),
                   array_agg(extracted_at), array_agg(impressions), array_agg(clicks), array_agg(conversions),
                   array_agg(views), array_agg(spend), array_agg(currency::text), array_agg(revenue), now()
            FROM %s
            GROUP BY metric_date, level
            HAVING bool_or(kind IS NOT NULL)
            ON CONFLICT (pipeline_id, metric_date, level) DO UPDATE SET org_id = EXCLUDED.org_id,
                entity_ids = EXCLUDED.entity_ids, execution_ids = EXCLUDED.execution_ids,
                extracted_at = EXCLUDED.extracted_at, impressions = EXCLUDED.impressions, clicks = EXCLUDED.clicks,
                conversions = EXCLUDED.conversions, views = EXCLUDED.views, spend = EXCLUDED.spend,
                currency = EXCLUDED.currency, revenue = EXCLUDED.revenue, updated_at = EXCLUDED.updated_at
            """;

    /**
     * The execution's changes as MetricsBatch chunks of {@link MetricsBatch#MAX_ROWS} rows, in the order the
     * merge wrote them, read with a cursor and written to the outbox chunk by chunk (the heap
     * holds one chunk). The chunk number makes the batch id: a gold that committed publishes its chunks once (run again,
     * it finds nothing changed), and one that rolled back published nothing.
     */
    private int publish(Connection c, RunContext ctx, RunInfo run, Staging st) throws SQLException {
        String score = run.qualityScore() == null ? null : run.qualityScore().toPlainString();
        int chunk = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT level, entity_id, metric_date, impressions, clicks, "
                + "conversions, views, spend::text, NULLIF(btrim(currency), ''), revenue::text FROM " + st.changes()
                + " WHERE kind IS NOT NULL")) {
            ps.setFetchSize(MetricsBatch.MAX_ROWS);
            try (ResultSet rs = ps.executeQuery()) {
                List<MetricsBatch.Row> rows = new ArrayList<>(MetricsBatch.MAX_ROWS);
                while (rs.next()) {
                    rows.add(new MetricsBatch.Row(rs.getString(1), rs.getObject(2, UUID.class), rs.getObject(3, LocalDate.class),
                            rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getString(8), rs.getString(9),
                            rs.getString(10)));
                    if (rows.size() == MetricsBatch.MAX_ROWS) {
                        outbox.publish(c, List.of(batch(ctx, run, score, chunk++, rows)));
                        rows = new ArrayList<>(MetricsBatch.MAX_ROWS);
                    }
                }
                if (!rows.isEmpty()) {
                    outbox.publish(c, List.of(batch(ctx, run, score, chunk++, rows)));
                }
            }
        }
        return chunk;
    }

    private static MetricsBatch batch(RunContext ctx, RunInfo run, String score, int chunk, List<MetricsBatch.Row> rows) {
        return new MetricsBatch(MetricsBatch.batchIdOf(ctx.executionId(), chunk), ctx.organizationId(), ctx.executionId(),
                chunk, run.extractedAt(), ctx.pipelineId(), ctx.dspAccountId(), score, run.hasDataIssues(), rows);
    }

    // --------------------------------------------------------------------------------------------------- cleanUp

    public void cleanUp(RunContext ctx) {
        try (Connection c = transaction(ctx.organizationId())) {
            staging(ctx.executionId()).drop(c);
            try (PreparedStatement ps = c.prepareStatement("UPDATE ingestion_runs SET staging_dropped_at = now(), "
                    + "finished_at = coalesce(finished_at, now()) WHERE execution_id = ?")) {
                ps.setObject(1, ctx.executionId());
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            // the janitor drops what is left
            LOG.warnf(e, "execution %s: its staging tables could not be dropped now", ctx.executionId());
        }
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    record RunInfo(String format, Instant extractedAt, long bronzeRows, java.math.BigDecimal qualityScore,
                   Boolean hasDataIssues, String blockedBy, List<String> header, Instant sourceModifiedAt,
                   UUID bronzeAttempt) {
    }

    private RunInfo runInfo(Connection c, UUID executionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT r.format, r.extracted_at, r.bronze_rows, r.quality_score, "
                + "r.has_data_issues, r.blocked_by, "
                + "(SELECT l.header FROM ingestion_logs l WHERE l.execution_id = r.execution_id ORDER BY l.object_no LIMIT 1), "
                + "(SELECT max(l.source_modified_at) FROM ingestion_logs l WHERE l.execution_id = r.execution_id), "
                + "r.bronze_attempt FROM ingestion_runs r WHERE r.execution_id = ?")) {
            ps.setObject(1, executionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new PermanentStageFailure("execution " + executionId + " has no bronze: run bronze first");
                }
                Array header = rs.getArray(7);
                Timestamp modified = rs.getTimestamp(8);
                return new RunInfo(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getLong(3), rs.getBigDecimal(4),
                        (Boolean) rs.getObject(5), rs.getString(6),
                        header == null ? List.of() : Arrays.asList((String[]) header.getArray()),
                        modified == null ? null : modified.toInstant(), rs.getObject(9, UUID.class));
            }
        }
    }

    /**
     * Before a stage commits: locks the execution's row while this executor's lease on it holds ({@link
     * RunContext#HOLD_LEASE}), so that the reaper cannot hand the execution to another executor until the commit; no
     * row means the lease was lost (or the execution ended), and the stage stops without committing. A context made
     * without a lease (tools, tests that drive the stages directly) holds none.
     */
    private static void holdLease(Connection c, RunContext ctx) throws SQLException, RunContext.ExecutionStopped {
        if (ctx.leaseOwner() == null) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(RunContext.HOLD_LEASE)) {
            ps.setString(1, ctx.executionId().toString());
            ps.setString(2, ctx.leaseOwner());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new RunContext.ExecutionStopped("lease lost");
                }
            }
        }
    }

    /** Now on the database's clock, which every instance shares. */
    private Instant databaseNow() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1).toInstant().truncatedTo(ChronoUnit.MICROS);
        }
    }

    /** A pooled connection in a transaction scoped to the organization (row-level security). */
    private Connection transaction(UUID organizationId) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(false);
            JdbcScope.organization(c, organizationId);
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Commits and opens the next transaction with the same scope (the settings are transaction-local). */
    private static void commit(Connection c, UUID organizationId) throws SQLException {
        c.commit();
        JdbcScope.organization(c, organizationId);
    }

    private void workMem(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('work_mem', ?, true)")) {
            ps.setString(1, settings.workMem());
            ps.execute();
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Runs a statement with positional parameters; returns the rows it wrote. */
    private static long update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            return ps.executeLargeUpdate();
        }
    }

    private static long scalar(Connection c, String sql, UUID parameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter != null) {
                ps.setObject(1, parameter);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static Date sqlDate(LocalDate day) {
        return day == null ? null : Date.valueOf(day);
    }
}
