package io.clp.dspsim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The calls the simulator answered (bounded), so tests can see when a client came back after a throttle. */
public final class RequestLog {

    private static final int MAX = 100_000;

    public record Entry(Instant at, String dsp, String accountId, String method, String path, int status) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public synchronized void add(Entry entry) {
        if (entries.size() >= MAX) {
            entries.subList(0, MAX / 10).clear();
        }
        entries.add(entry);
    }

    public synchronized List<Entry> of(String dsp, String accountId) {
        return entries.stream()
                .filter(e -> dsp == null || dsp.equals(e.dsp()))
                .filter(e -> accountId == null || accountId.equals(e.accountId()))
                .toList();
    }

    public synchronized void clear() {
        entries.clear();
    }
}
