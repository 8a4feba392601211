package io.clp.pipeline.run.stage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Rows in PostgreSQL's binary COPY format ({@code COPY ... FROM STDIN (FORMAT binary)}), written to a stream
 * (pgjdbc's {@code PGCopyOutputStream}, or a spool file): no text rendering nor parsing of numbers and dates on
 * either side. One reused buffer; a row is {@link #row(int)} followed by exactly that many fields.
 */
final class BinaryCopy implements AutoCloseable {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    /** Days between 1970-01-01 and PostgreSQL's epoch, 2000-01-01. */
    private static final int PG_EPOCH_DAY = 10_957;

    private final OutputStream out;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private long rows;

    BinaryCopy(OutputStream out) throws IOException {
        this.out = out;
        bytes(SIGNATURE, SIGNATURE.length);
        int32(0); // flags
        int32(0); // header extension length
    }

    long rows() {
        return rows;
    }

    BinaryCopy row(int fields) throws IOException {
        room(2);
        buffer[position++] = (byte) (fields >>> 8);
        buffer[position++] = (byte) fields;
        rows++;
        return this;
    }

    BinaryCopy nullField() throws IOException {
        int32(-1);
        return this;
    }

    BinaryCopy int4(int value) throws IOException {
        int32(4);
        int32(value);
        return this;
    }

    BinaryCopy int8(long value) throws IOException {
        int32(8);
        room(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[position++] = (byte) (value >>> shift);
        }
        return this;
    }

    /** A nullable bigint: {@code Long.MIN_VALUE} stands for null (no boxing on the hot path). */
    BinaryCopy int8OrNull(long value) throws IOException {
        return value == Long.MIN_VALUE ? nullField() : int8(value);
    }

    /** A date given as its epoch day (days since 1970-01-01). */
    BinaryCopy date(long epochDay) throws IOException {
        return int4((int) (epochDay - PG_EPOCH_DAY));
    }

    BinaryCopy text(String value) throws IOException {
        if (value == null) {
            return nullField();
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        int32(utf8.length);
        bytes(utf8, utf8.length);
        return this;
    }

    BinaryCopy uuid(UUID value) throws IOException {
        if (value == null) {
            return nullField();
        }
        int32(16);
        room(16);
        long msb = value.getMostSignificantBits();
        long lsb = value.getLeastSignificantBits();
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[position++] = (byte) (msb >>> shift);
        }
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[position++] = (byte) (lsb >>> shift);
        }
        return this;
    }

    /** Writes the trailer and flushes; the caller closes (ends) the underlying COPY. */
    void finish() throws IOException {
        room(2);
        buffer[position++] = (byte) 0xFF;
        buffer[position++] = (byte) 0xFF;
        flush();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void int32(int value) throws IOException {
        room(4);
        buffer[position++] = (byte) (value >>> 24);
        buffer[position++] = (byte) (value >>> 16);
        buffer[position++] = (byte) (value >>> 8);
        buffer[position++] = (byte) value;
    }

    private void bytes(byte[] source, int length) throws IOException {
        if (length > buffer.length - position) {
            flush();
            if (length > buffer.length) {
                out.write(source, 0, length);
                return;
            }
        }
        System.arraycopy(source, 0, buffer, position, length);
        position += length;
    }

    private void room(int length) throws IOException {
        if (buffer.length - position < length) {
            flush();
        }
    }

    private void flush() throws IOException {
        if (position > 0) {
            out.write(buffer, 0, position);
            position = 0;
        }
    }
}
