package io.clp.dsp;

import java.time.Instant;

/**
 * Which page of a level to read: {@code pageToken} null for the first page; {@code updatedSince} null for a full
 * listing, else only what changed at or after that time (where the DSP can filter by update time; elsewhere the
 * connector lists everything and the sync's upsert leaves unchanged rows alone).
 */
public record ListRequest(EntityLevel level, String pageToken, Instant updatedSince) {

    public static ListRequest first(EntityLevel level, Instant updatedSince) {
        return new ListRequest(level, null, updatedSince);
    }

    public ListRequest next(String token) {
        return new ListRequest(level, token, updatedSince);
    }
}
