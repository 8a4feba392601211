package io.clp.pipeline.source;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import io.clp.dsp.AccountRef;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspConnector;
import io.clp.dsp.DspConnectors;
import io.clp.dsp.DspCredentials;
import io.clp.dsp.DspException;
import io.clp.dsp.EntityLevel;
import io.clp.dsp.RateLimit;
import io.clp.dsp.ReportRow;
import io.clp.dsp.http.DspHttp;
import io.clp.pipeline.campaigns.DspAccess;
import io.clp.pipeline.campaigns.DspAccessTokens;
import io.vertx.core.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A DSP's daily performance report as a source (kind {@value #KIND}): one report per execution window, read through the
 * DSP's connector with short-lived access that campaign-service delegates ({@link DspAccessTokens}); pipeline-service
 * never holds an account's long-lived secrets. The report is written as CSV with {@link SourceFormats#DSP_REPORT_HEADER}:
 * one row per entity and account day, at the level the DSP reports (line item; Google Ads ads, Meta ads, TTD and
 * Amazon ad groups), money as plain decimals in the account's currency.
 * <p>
 * Spooled, not piped: {@link #fetch} runs the whole report into a temporary file (the connector hands rows over one by
 * one, each written at once, so memory stays bounded whatever the report's size), before bronze opens its transaction,
 * and the delivery deletes the file when closed. A report run is many calls (create, poll, download) that succeed or
 * fail as a whole, and may take minutes: spooling means {@code fetch} either returns a complete report or throws,
 * already mapped to transient or permanent, never a stream that breaks half-way through bronze; no database
 * transaction waits on the DSP; the DSP's download is not held open while the reader is slow; and no producer thread
 * outlives a reader that stops early. The cost is disk space for one report while it is read.
 * <p>
 * Failures: a transient {@link DspException} (throttled, unavailable, report job failed, delegated access expired) is
 * {@link TransientSourceException}; invalid credentials and refused requests are {@link PermanentSourceException};
 * failures of {@link DspAccessTokens} itself pass through as its implementation raises them. Blocking: refuses to run
 * on a Vert.x event loop.
 */
@ApplicationScoped
public class DspReportSource implements Source {

    public static final String KIND = "dsp_report";

    private static final Logger LOG = Logger.getLogger(DspReportSource.class);

    private final DspConnectors connectors;
    private final DspAccessTokens tokens;
    private final Path spool;

    @Inject
    DspReportSource(DspReportSourceSettings settings, DspAccessTokens tokens) {
        this(new DspConnectors(DspHttp.create(settings.connectTimeout(), settings.requestTimeout()), settings.dspEndpoints()),
                tokens, null);
    }

    /** Over the given connectors, with access from {@code tokens}; reports spool in the JVM's temporary directory. */
    public DspReportSource(DspConnectors connectors, DspAccessTokens tokens) {
        this(connectors, tokens, null);
    }

    /** @param spool the directory reports are spooled in; null for the JVM's temporary directory */
    DspReportSource(DspConnectors connectors, DspAccessTokens tokens, Path spool) {
        this.connectors = Objects.requireNonNull(connectors, "connectors");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.spool = spool;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * The report of the request's window, run and spooled now (one call for delegated access, then the DSP's report
     * flow), as one object named {@code <dsp>-report-<from>-<to>}: every run is a new delivery (DSPs restate recent
     * days), so its version is the time it was run. Closing the delivery deletes the spooled file.
     */
    @Override
    public Delivery fetch(SourceRequest request) throws IOException {
        DspAccess access = access(request);
        Dsp dsp = Dsp.fromLabel(access.dsp()).orElseThrow(() -> new PermanentSourceException(
                "DSP account " + request.dspAccountId() + " is of an unknown DSP '" + access.dsp() + "'", null));
        DspConnector connector = connectors.get(dsp);
        AccountRef account;
        try {
            account = new AccountRef(request.dspAccountId().toString(), dsp, access.externalAccountId(),
                    DspCredentials.delegated(access.credentials(), access.expiresAt()), RateLimit.DEFAULT);
        } catch (IllegalArgumentException | NullPointerException e) {
            // the message names the offending credential, never a value
            throw new PermanentSourceException("the access delegated for DSP account " + request.dspAccountId()
                    + " is unusable: " + e.getMessage(), null);
        }
        Path file = spool == null ? Files.createTempFile("dsp-report-", ".csv") : Files.createTempFile(spool, "dsp-report-", ".csv");
        boolean handedOver = false;
        try {
            long rows = write(connector, account, request, file);
            LOG.debugf("%s report of DSP account %s for %s..%s: %d rows", dsp.label(), request.dspAccountId(), request.from(),
                    request.to(), rows);
            Instant ranAt = Instant.now();
            SourceObject report = new SourceObject(access.dsp() + "-report-" + request.from() + "-" + request.to(),
                    Files.size(file), ranAt, ranAt.toString(), request.from().equals(request.to()) ? request.from() : null);
            Delivery delivery = new Spooled(report, file);
            handedOver = true;
            return delivery;
        } finally {
            if (!handedOver) {
                Files.deleteIfExists(file);
            }
        }
    }

    private long write(DspConnector connector, AccountRef account, SourceRequest request, Path file) throws IOException {
        long[] count = {0};
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).build(out)) {
            csv.writeRecord(SourceFormats.DSP_REPORT_HEADER);
            connector.dailyReport(account, request.from(), request.to(), row -> {
                csv.writeRecord(record(row));
                count[0]++;
            });
        } catch (DspException e) {
            throw mapped(e, request);
        } catch (UncheckedIOException e) {
            throw new TransientSourceException("spooling the DSP report of account " + request.dspAccountId() + " failed: "
                    + e.getCause().getMessage(), e.getCause(), null);
        }
        return count[0];
    }

    /** The spooled report: read as often as bronze opens it; closing the delivery deletes the file. */
    private record Spooled(SourceObject report, Path file) implements Delivery {

        @Override
        public List<SourceObject> objects() {
            return List.of(report);
        }

        @Override
        public InputStream open(SourceObject object) throws IOException {
            if (!object.equals(report)) {
                throw new IllegalArgumentException("not this delivery's report: " + object.name());
            }
            return Files.newInputStream(file);
        }

        @Override
        public void close() throws IOException {
            Files.deleteIfExists(file);
        }
    }

    /**
     * One row in {@link SourceFormats#DSP_REPORT_HEADER}'s order. Amounts are written with at most 6 decimals (rounded
     * half-up: a DSP's double such as Google Ads' {@code conversions_value} may carry more); conversions as the DSP
     * reports them, possibly fractional (attribution).
     */
    static List<String> record(ReportRow row) {
        return List.of(row.date().toString(), level(row.level()), row.externalId(), Long.toString(row.impressions()),
                Long.toString(row.clicks()), plain(row.conversions()), Long.toString(row.views()),
                plain(row.spend().amount()), row.spend().currency().getCurrencyCode(), plain(row.revenue().amount()));
    }

    private static String plain(java.math.BigDecimal amount) {
        java.math.BigDecimal scaled = amount.scale() > 6 ? amount.setScale(6, java.math.RoundingMode.HALF_UP) : amount;
        return scaled.toPlainString();
    }

    static String level(EntityLevel level) {
        return switch (level) {
            case CAMPAIGN -> "campaign";
            case INSERTION_ORDER -> "insertion_order";
            case LINE_ITEM -> "line_item";
            case CREATIVE -> "creative";
        };
    }

    static IOException mapped(DspException e, SourceRequest request) {
        String message = "DSP report of account " + request.dspAccountId() + " for " + request.from() + ".." + request.to()
                + ": " + e.getMessage();
        if (e.isTransient()) {
            return new TransientSourceException(message, e, e instanceof DspException.RateLimited r ? r.retryAfter() : null);
        }
        return new PermanentSourceException(message, e);
    }

    private DspAccess access(SourceRequest request) throws IOException {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("a DSP report blocks: run it on a worker thread, not on the event loop");
        }
        if (request.dspAccountId() == null) {
            throw new PermanentSourceException("a DSP report source needs the pipeline's DSP account", null);
        }
        return tokens.accessFor(request.organizationId(), request.dspAccountId());
    }
}
