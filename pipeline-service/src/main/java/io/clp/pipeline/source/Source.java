package io.clp.pipeline.source;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Where an execution reads what it lands in bronze: a directory of daily files, a prefix of the platform's S3 bucket,
 * or a DSP's daily report. Every source hands over CSV bytes with a header line, as received (a DSP report is written
 * as CSV with {@link SourceFormats#DSP_REPORT_HEADER}). Implementations are blocking: the executor calls them on a
 * worker thread, never on the event loop.
 */
public interface Source {

    /** The source kind a pipeline's {@code config.source.kind} (files) or template type (DSP reports) names. */
    String kind();

    /** What the source holds for the request's window, in the order to read it. Empty when nothing is there yet. */
    List<SourceObject> list(SourceRequest request) throws IOException;

    /** The object's bytes as the source holds them (CSV, with its header line). The caller closes the stream. */
    InputStream open(SourceRequest request, SourceObject object) throws IOException;
}
