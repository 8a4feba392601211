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

    /**
     * What the source holds for the request's window, ready to be read. Bronze calls it before its transaction
     * begins: whatever a source must do before its bytes can be read (a DSP report is run and spooled) is done here,
     * while the database holds nothing for the execution. The caller closes the delivery when bronze is done with it.
     */
    Delivery fetch(SourceRequest request) throws IOException;

    /** A source's objects for one request, in the order to read them; empty when nothing is there yet. */
    interface Delivery extends AutoCloseable {

        List<SourceObject> objects();

        /** One of {@link #objects()}'s bytes as the source holds them (CSV, with its header line). The caller closes it. */
        InputStream open(SourceObject object) throws IOException;

        /** Releases what fetching made (a spooled report); a delivery of objects read in place has nothing to release. */
        @Override
        default void close() throws IOException {
        }
    }

    /** A source whose objects are listed and then each read in place, as bronze reaches it: a directory, a bucket. */
    interface Listed extends Source {

        /** What the source holds for the request's window, in the order to read it. Empty when nothing is there yet. */
        List<SourceObject> list(SourceRequest request) throws IOException;

        /** The object's bytes as the source holds them (CSV, with its header line). The caller closes the stream. */
        InputStream open(SourceRequest request, SourceObject object) throws IOException;

        @Override
        default Delivery fetch(SourceRequest request) throws IOException {
            List<SourceObject> objects = list(request);
            return new Delivery() {
                @Override
                public List<SourceObject> objects() {
                    return objects;
                }

                @Override
                public InputStream open(SourceObject object) throws IOException {
                    return Listed.this.open(request, object);
                }
            };
        }
    }
}
