package io.clp.campaign.sync;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A sync run's progress: where it is ({@code level}, {@code pages}), what it found per level (seen, created, changed,
 * removed), the time it waited on the DSP versus writing, and its error (the DSP's typed message, never a secret).
 */
public record SyncRunView(UUID id, UUID dspAccountId, String kind, String trigger, String status, String level, int pages,
                          Map<String, Object> counts, long dspWaitMs, long writeMs, Instant updatedSince, Instant startedAt,
                          Instant heartbeatAt, Instant finishedAt, String error, int attempt, Instant createdAt) {

    static SyncRunView of(SyncRun r) {
        Object level = r.checkpoint == null ? null : r.checkpoint.get("level");
        return new SyncRunView(r.id, r.dspAccountId, r.kind, r.trigger, r.status, level == null ? null : level.toString(),
                r.pages, r.counts == null ? Map.of() : r.counts, r.dspWaitMs, r.writeMs, r.updatedSince, r.startedAt,
                r.heartbeatAt, r.finishedAt, r.error, r.attempt, r.createdAt);
    }
}
